//! The keyed collections the engines keep (queues per domain, mailboxes per address,
//! stores per host) are `litemap::LiteMap`s: one sorted `Vec` of pairs, the same
//! key order, lookups and JSON as a `BTreeMap`.
//!
//! WHY not `BTreeMap`: its node code (insert, remove, rebalancing, drop) is compiled
//! once per key and value type, and came to 19 KB of the page's wasm; the sorted `Vec`
//! needs a few hundred bytes (measured: 24.6 KB raw, 10.3 KB gzip less for the whole
//! module). These maps hold a handful of entries, so the linear inserts cost nothing.

use litemap::LiteMap;
use serde::{Serialize, Serializer};

/// Writes a map as an object, `{}` when empty: litemap writes an empty map as `[]` in
/// human-readable formats (it cannot tell then whether its keys would be strings). For
/// `#[serde(serialize_with = "crate::sorted_map::as_object")]`.
pub fn as_object<K, V, S>(map: &LiteMap<K, V>, serializer: S) -> Result<S::Ok, S::Error>
where
    K: Serialize + Ord,
    V: Serialize,
    S: Serializer,
{
    serializer.collect_map(map.iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Holder {
        #[serde(serialize_with = "as_object")]
        map: LiteMap<String, u64>,
    }

    fn json(map: LiteMap<String, u64>) -> String {
        serde_json::to_string(&Holder { map }).unwrap()
    }

    #[test]
    fn an_empty_map_is_an_empty_object() {
        assert_eq!(json(LiteMap::new()), r#"{"map":{}}"#);
    }

    #[test]
    fn entries_come_out_in_key_order_whatever_the_insertion_order() {
        let mut map = LiteMap::new();
        map.insert("b.example".to_owned(), 2);
        map.insert("a.example".to_owned(), 1);
        map.insert("b.example".to_owned(), 3);
        assert_eq!(json(map), r#"{"map":{"a.example":1,"b.example":3}}"#);
    }

    #[test]
    fn litemap_alone_writes_an_empty_map_as_an_array() {
        // The reason for `as_object`; if litemap changes this, the helper can go.
        let empty: LiteMap<String, u64> = LiteMap::new();
        assert_eq!(serde_json::to_string(&empty).unwrap(), "[]");
    }
}
