//! DIGEST-MD5's directive parser (RFC 2831 §7.1 lists) on arbitrary text, and its
//! lookups on whatever it accepted. Never panic.
#![no_main]

use esmtp_playground::sasl::digest_md5::directives::Directives;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(directives) = Directives::parse(text) {
        for directive in directives.iter() {
            let _ = directives.all(&directive.name);
            let _ = directives.single(&directive.name);
        }
        let _ = directives.check_single(&["nonce", "realm", "qop", "charset"]);
    }
});
