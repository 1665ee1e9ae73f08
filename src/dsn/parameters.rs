//! The DSN parameters of RFC 3461 as typed values: `RET=` and `ENVID=` on MAIL FROM
//! (§4.3, §4.4), `NOTIFY=` and `ORCPT=` on RCPT TO (§4.1, §4.2). ENVID and ORCPT travel
//! as xtext (§4); here they are held decoded, which is also how a delivery status
//! notification quotes them (RFC 3464 §2.2.1, §2.3.1), and encoded again to relay them.

use core::fmt;

use crate::variant_names::by_name;
use serde::{Deserialize, Serialize};

use crate::sasl::xtext;

/// Most characters an `ENVID=` value may have (RFC 3461 §4.4).
pub const MAX_ENVID: usize = 100;
/// Most characters an `ORCPT=` value may have, address type included (RFC 3461 §4.2).
pub const MAX_ORCPT: usize = 500;

/// `RET=`: what of the message a failure notification returns (RFC 3461 §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Ret {
    /// `RET=FULL`: the whole message.
    Full,
    /// `RET=HDRS`: its header section only.
    Hdrs,
}

by_name!(Ret { Full = "FULL", Hdrs = "HDRS" });

impl Ret {
    /// Reads `FULL` or `HDRS`, in any case.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        if value.eq_ignore_ascii_case("FULL") {
            Some(Self::Full)
        } else if value.eq_ignore_ascii_case("HDRS") {
            Some(Self::Hdrs)
        } else {
            None
        }
    }
}

impl fmt::Display for Ret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Full => "FULL",
            Self::Hdrs => "HDRS",
        })
    }
}

/// `NOTIFY=`: when the sender wants a notification for this recipient (RFC 3461 §4.1).
/// In JSON it is written as on the wire: `"NEVER"`, `"SUCCESS,FAILURE"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Notify {
    /// `NOTIFY=NEVER`: no notification at all, not even for a failure.
    Never,
    /// Any of `SUCCESS`, `FAILURE`, `DELAY`, at least one.
    On {
        /// Notify on delivery (or on relay to a host without DSN, §5.2.3).
        success: bool,
        /// Notify on failure.
        failure: bool,
        /// Notify when delivery is delayed.
        delay: bool,
    },
}

impl Notify {
    /// What a recipient without `NOTIFY=` gets: failures, and delays at the MTA's
    /// choice (RFC 3461 §4.1); this one reports both.
    pub const DEFAULT: Self = Self::On {
        success: false,
        failure: true,
        delay: true,
    };

    /// Reads `NEVER` or a comma-separated list of `SUCCESS`, `FAILURE`, `DELAY`, each at
    /// most once, in any case. The error says what is wrong, for a 501.
    pub(crate) fn parse(value: &str) -> Result<Self, String> {
        if value.eq_ignore_ascii_case("NEVER") {
            return Ok(Self::Never);
        }
        let (mut success, mut failure, mut delay) = (false, false, false);
        for keyword in value.split(',') {
            let slot = if keyword.eq_ignore_ascii_case("SUCCESS") {
                &mut success
            } else if keyword.eq_ignore_ascii_case("FAILURE") {
                &mut failure
            } else if keyword.eq_ignore_ascii_case("DELAY") {
                &mut delay
            } else if keyword.eq_ignore_ascii_case("NEVER") {
                return Err(
                    "NOTIFY=NEVER cannot be combined with other values (RFC 3461 §4.1)".into(),
                );
            } else {
                return Err(
                    "NOTIFY= must be NEVER or a list of SUCCESS, FAILURE, DELAY (RFC 3461 §4.1)"
                        .into(),
                );
            };
            if *slot {
                return Err("NOTIFY= names a value twice (RFC 3461 §4.1)".into());
            }
            *slot = true;
        }
        Ok(Self::On {
            success,
            failure,
            delay,
        })
    }

    /// True when a failure notification is wanted.
    pub fn on_failure(self) -> bool {
        matches!(self, Self::On { failure: true, .. })
    }

    /// True when a success (or "relayed") notification is wanted.
    pub fn on_success(self) -> bool {
        matches!(self, Self::On { success: true, .. })
    }

    /// True when a delay notification is wanted.
    pub fn on_delay(self) -> bool {
        matches!(self, Self::On { delay: true, .. })
    }
}

impl TryFrom<String> for Notify {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Notify> for String {
    fn from(notify: Notify) -> Self {
        notify.to_string()
    }
}

impl fmt::Display for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self::On {
            success,
            failure,
            delay,
        } = *self
        else {
            return f.write_str("NEVER");
        };
        let names = [(success, "SUCCESS"), (failure, "FAILURE"), (delay, "DELAY")];
        let listed: Vec<&str> = names
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| *name)
            .collect();
        f.write_str(&listed.join(","))
    }
}

/// `ORCPT=`: the recipient as the sender first gave it (RFC 3461 §4.2), decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginalRecipient {
    /// The address type, an atom; `rfc822` for Internet mail.
    pub addr_type: String,
    /// The address, decoded from xtext.
    pub address: String,
}

impl OriginalRecipient {
    /// An `rfc822` original recipient.
    pub fn rfc822(address: &str) -> Self {
        Self {
            addr_type: "rfc822".into(),
            address: address.to_owned(),
        }
    }

    /// Reads `addr-type ";" xtext` (RFC 3461 §4.2). The error says what is wrong.
    pub(crate) fn parse(value: &str) -> Result<Self, String> {
        if value.len() > MAX_ORCPT {
            return Err(format!(
                "ORCPT= is longer than {MAX_ORCPT} characters (RFC 3461 §4.2)"
            ));
        }
        let Some((addr_type, encoded)) = value.split_once(';') else {
            return Err(
                "ORCPT= must be addr-type;xtext, e.g. rfc822;bob@example.org (RFC 3461 §4.2)"
                    .into(),
            );
        };
        if addr_type.is_empty() || !addr_type.bytes().all(is_atext) {
            return Err(
                "ORCPT='s address type must be an atom such as rfc822 (RFC 3461 §4.2)".into(),
            );
        }
        let address = decode_printable(encoded).map_err(|why| format!("ORCPT= {why}"))?;
        if address.is_empty() {
            return Err("ORCPT= has an empty address (RFC 3461 §4.2)".into());
        }
        Ok(Self {
            addr_type: addr_type.to_owned(),
            address,
        })
    }

    /// The parameter value, xtext-encoded again for the next hop.
    pub fn encoded(&self) -> String {
        format!(
            "{};{}",
            self.addr_type,
            xtext::encode(self.address.as_bytes())
        )
    }
}

impl fmt::Display for OriginalRecipient {
    /// `rfc822;bob@example.org`, decoded, as RFC 3464 §2.3.1 quotes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{};{}", self.addr_type, self.address)
    }
}

/// The DSN parameters of one MAIL FROM (RFC 3461 §4.3, §4.4).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailDsn {
    /// `RET=`, if given.
    pub ret: Option<Ret>,
    /// `ENVID=`, decoded, if given.
    pub envid: Option<String>,
}

impl MailDsn {
    /// True for the keywords this reads.
    pub(crate) fn knows(keyword: &str) -> bool {
        keyword.eq_ignore_ascii_case("RET") || keyword.eq_ignore_ascii_case("ENVID")
    }

    /// Reads `RET=` or `ENVID=`; the error (a 501) says what is wrong.
    pub(crate) fn add(&mut self, keyword: &str, value: Option<&str>) -> Result<(), String> {
        let value = value.unwrap_or_default();
        if keyword.eq_ignore_ascii_case("RET") {
            once(self.ret.is_some(), "RET")?;
            let ret = Ret::parse(value)
                .ok_or_else(|| "RET= must be FULL or HDRS (RFC 3461 §4.3)".to_owned())?;
            self.ret = Some(ret);
        } else {
            once(self.envid.is_some(), "ENVID")?;
            self.envid = Some(parse_envid(value)?);
        }
        Ok(())
    }

    /// True when neither was given.
    pub fn is_empty(&self) -> bool {
        self.ret.is_none() && self.envid.is_none()
    }
}

/// The DSN parameters of one RCPT TO (RFC 3461 §4.1, §4.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RcptDsn {
    /// `NOTIFY=`, if given.
    pub notify: Option<Notify>,
    /// `ORCPT=`, decoded, if given.
    pub orcpt: Option<OriginalRecipient>,
}

impl RcptDsn {
    /// True for the keywords this reads.
    pub(crate) fn knows(keyword: &str) -> bool {
        keyword.eq_ignore_ascii_case("NOTIFY") || keyword.eq_ignore_ascii_case("ORCPT")
    }

    /// Reads `NOTIFY=` or `ORCPT=`; the error (a 501) says what is wrong.
    pub(crate) fn add(&mut self, keyword: &str, value: Option<&str>) -> Result<(), String> {
        let value = value.unwrap_or_default();
        if keyword.eq_ignore_ascii_case("NOTIFY") {
            once(self.notify.is_some(), "NOTIFY")?;
            self.notify = Some(Notify::parse(value)?);
        } else {
            once(self.orcpt.is_some(), "ORCPT")?;
            self.orcpt = Some(OriginalRecipient::parse(value)?);
        }
        Ok(())
    }

    /// What this recipient's sender asked for, `NOTIFY=` or the default.
    pub fn notify_or_default(&self) -> Notify {
        self.notify.unwrap_or(Notify::DEFAULT)
    }

    /// True when neither was given.
    pub fn is_empty(&self) -> bool {
        self.notify.is_none() && self.orcpt.is_none()
    }
}

/// Both halves as stored with one copy of a message: the message's `RET=`/`ENVID=` and
/// its recipient's `NOTIFY=`/`ORCPT=`. In JSON: `ret`, `envid`, `notify`, `orcpt` and
/// `summary`, the parameters in words for display (empty when none was given).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DsnRequest {
    /// From MAIL FROM.
    pub mail: MailDsn,
    /// From this copy's RCPT TO.
    pub rcpt: RcptDsn,
}

impl fmt::Display for DsnRequest {
    /// `RET=HDRS ENVID=x NOTIFY=SUCCESS ORCPT=rfc822;bob@example.org`, decoded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words = [
            self.mail.ret.map(|ret| format!("RET={ret}")),
            self.mail.envid.as_ref().map(|id| format!("ENVID={id}")),
            self.rcpt.notify.map(|notify| format!("NOTIFY={notify}")),
            self.rcpt
                .orcpt
                .as_ref()
                .map(|orcpt| format!("ORCPT={orcpt}")),
        ];
        let words: Vec<String> = words.into_iter().flatten().collect();
        f.write_str(&words.join(" "))
    }
}

impl Serialize for DsnRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("DsnRequest", 5)?;
        state.serialize_field("ret", &self.mail.ret)?;
        state.serialize_field("envid", &self.mail.envid)?;
        state.serialize_field("notify", &self.rcpt.notify)?;
        state.serialize_field("orcpt", &self.rcpt.orcpt)?;
        state.serialize_field("summary", &self.to_string())?;
        state.end()
    }
}

fn once(seen: bool, keyword: &str) -> Result<(), String> {
    if seen {
        Err(format!(
            "{keyword}= given twice; each parameter may appear once (RFC 3461 §4)"
        ))
    } else {
        Ok(())
    }
}

/// Reads an `ENVID=` value: xtext of at most [`MAX_ENVID`] characters that decodes to
/// printable ASCII (RFC 3461 §4.4).
pub(crate) fn parse_envid(value: &str) -> Result<String, String> {
    if value.is_empty() || value.len() > MAX_ENVID {
        return Err(format!(
            "ENVID= must be 1 to {MAX_ENVID} characters of xtext (RFC 3461 §4.4)"
        ));
    }
    decode_printable(value).map_err(|why| format!("ENVID= {why}"))
}

/// Decodes xtext whose octets must be printable ASCII (RFC 3461 §4).
fn decode_printable(encoded: &str) -> Result<String, String> {
    let octets = xtext::decode(encoded).map_err(|error| format!("is not valid xtext: {error}"))?;
    if !octets.iter().all(|octet| (b' '..=b'~').contains(octet)) {
        return Err("decodes to octets that are not printable ASCII (RFC 3461 §4)".into());
    }
    Ok(String::from_utf8_lossy(&octets).into_owned())
}

/// RFC 5322 `atext`, the characters of an atom.
fn is_atext(octet: u8) -> bool {
    octet.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&octet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_notify_lists_and_never() {
        assert_eq!(Notify::parse("never"), Ok(Notify::Never));
        let read = Notify::parse("SUCCESS,failure").unwrap();
        assert!(read.on_success() && read.on_failure() && !read.on_delay());
        assert_eq!(read.to_string(), "SUCCESS,FAILURE");
        for bad in [
            "NEVER,SUCCESS",
            "SUCCESS,NEVER",
            "SUCCESS,SUCCESS",
            "",
            "SUCCESS,",
            "SOMETIMES",
        ] {
            assert!(Notify::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_orcpt_and_envid_decoded() {
        let orcpt = OriginalRecipient::parse("rfc822;e+3Dmc2@example.org").unwrap();
        assert_eq!(orcpt.address, "e=mc2@example.org");
        assert_eq!(orcpt.to_string(), "rfc822;e=mc2@example.org");
        assert_eq!(orcpt.encoded(), "rfc822;e+3Dmc2@example.org");
        assert_eq!(parse_envid("QQ+2B314"), Ok("QQ+314".into()));
        for bad in [
            "rfc822",
            ";bob@example.org",
            "rfc 822;x",
            "rfc822;",
            "rfc822;a+0Ab",
        ] {
            assert!(OriginalRecipient::parse(bad).is_err(), "{bad}");
        }
        assert!(parse_envid(&"a".repeat(MAX_ENVID + 1)).is_err());
        assert!(parse_envid("a+3").is_err());
        assert_eq!(Ret::parse("hdrs"), Some(Ret::Hdrs));
        assert_eq!(Ret::parse("ALL"), None);
    }

    #[test]
    fn refuses_repeats_and_bad_values() {
        let mut mail = MailDsn::default();
        mail.add("ret", Some("HDRS")).unwrap();
        assert!(mail.add("RET", Some("FULL")).is_err());
        assert!(mail.add("ENVID", None).is_err());
        mail.add("ENVID", Some("id1")).unwrap();
        assert!(mail.add("ENVID", Some("id2")).is_err());
        let mut rcpt = RcptDsn::default();
        assert_eq!(rcpt.notify_or_default(), Notify::DEFAULT);
        rcpt.add("NOTIFY", Some("NEVER")).unwrap();
        assert!(rcpt.add("NOTIFY", Some("NEVER")).is_err());
        rcpt.add("ORCPT", Some("rfc822;bob@example.org")).unwrap();
        assert!(rcpt.add("orcpt", Some("rfc822;bob@example.org")).is_err());
        assert!(!rcpt.is_empty() && !mail.is_empty());
    }
}
