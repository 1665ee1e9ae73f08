//! Offline calculator (filled below).
