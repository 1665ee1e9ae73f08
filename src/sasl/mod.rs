//! SASL mechanisms (PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5), one file each behind shared
//! client and server traits. Filled in by the AUTH work.
