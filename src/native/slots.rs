//! Connection slots for `serve`: a bound on connections at once and on connections from
//! one client address, so neither a crowd nor one busy host can take every slot. A
//! [`Slot`] is held by the connection's thread and given back when it ends, however it
//! ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// Why a connection gets no slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Every slot is taken.
    Full,
    /// This client address holds its share already.
    ClientFull,
}

#[derive(Debug, Default)]
struct Taken {
    total: usize,
    per_client: HashMap<IpAddr, usize>,
}

/// The slots of one listener.
#[derive(Debug)]
pub struct Slots {
    max_total: usize,
    max_per_client: usize,
    taken: Arc<Mutex<Taken>>,
}

impl Slots {
    /// At most `max_total` connections, at most `max_per_client` from one address.
    pub fn new(max_total: usize, max_per_client: usize) -> Self {
        Self {
            max_total,
            max_per_client,
            taken: Arc::default(),
        }
    }

    /// A slot for a connection from `client`, or why there is none.
    pub fn take(&self, client: Option<IpAddr>) -> Result<Slot, Refusal> {
        let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        if taken.total >= self.max_total {
            return Err(Refusal::Full);
        }
        if let Some(address) = client {
            let count = taken.per_client.entry(address).or_insert(0);
            if *count >= self.max_per_client {
                return Err(Refusal::ClientFull);
            }
            *count += 1;
        }
        taken.total += 1;
        Ok(Slot {
            taken: Arc::clone(&self.taken),
            client,
        })
    }

    /// True when three quarters of the slots are taken: new connections then get the
    /// tighter timeouts, as Postfix does under stress.
    pub fn is_busy(&self) -> bool {
        let taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        taken.total.saturating_mul(4) >= self.max_total.saturating_mul(3) && self.max_total >= 4
    }
}

/// One taken slot; dropping it gives it back.
#[derive(Debug)]
pub struct Slot {
    taken: Arc<Mutex<Taken>>,
    client: Option<IpAddr>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        taken.total = taken.total.saturating_sub(1);
        if let Some(address) = self.client {
            if let Some(count) = taken.per_client.get_mut(&address) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    taken.per_client.remove(&address);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_gets_its_share_and_slots_come_back() {
        let slots = Slots::new(4, 2);
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        let two: IpAddr = "192.0.2.2".parse().unwrap();
        let a = slots.take(Some(one)).unwrap();
        let _b = slots.take(Some(one)).unwrap();
        assert_eq!(slots.take(Some(one)).unwrap_err(), Refusal::ClientFull);
        let _c = slots.take(Some(two)).unwrap();
        assert!(slots.is_busy());
        let _d = slots.take(Some(two)).unwrap();
        assert_eq!(slots.take(None).unwrap_err(), Refusal::Full);
        drop(a);
        assert!(slots.take(Some(one)).is_ok());
    }
}
