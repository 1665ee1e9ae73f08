//! Receiving the message text after `354` (RFC 5321 §4.1.1.4, §4.5.2). Only
//! CRLF "." CRLF ends the data: `<LF>.<LF>`, `<CR>.<CR>` and `<LF>.<CR><LF>` do not, so a
//! DATA block can never smuggle a second message (the 2023 "SMTP smuggling" attacks).
//! Leading dots are removed (transparency). Lines are scanned in bulk (`data_scan`);
//! storage stops at a cap while counting goes on, so memory is bounded by the cap.

use super::data_scan;

/// Where the receiver is within the current line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Position {
    /// At the first octet of a line.
    LineStart,
    /// The line began with ".", nothing else yet.
    AfterDot,
    /// The line began with "." CR.
    AfterDotCr,
    /// Inside a line.
    InLine,
}

/// What was found wrong in the data; the message is judged at the end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataFindings {
    /// A line was longer than 1000 octets (CRLF included, stuffing dot excluded).
    pub long_line: bool,
    /// A LF arrived without a CR before it.
    pub bare_lf: bool,
    /// A CR arrived without a LF after it.
    pub bare_cr: bool,
    /// An octet ≥ 0x80 was seen.
    pub eight_bit: bool,
    /// More octets arrived than the storage cap; the excess was counted, not kept.
    pub over_cap: bool,
}

/// The finished message text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedData {
    /// The unstuffed text (without the final "." CRLF), at most `cap` octets.
    pub text: Vec<u8>,
    /// How many unstuffed octets arrived in all, stored or not.
    pub octets: u64,
    /// Problems seen.
    pub findings: DataFindings,
}

/// Collects one message's text.
#[derive(Clone, Debug)]
pub struct DataReceiver {
    text: Vec<u8>,
    cap: usize,
    octets: u64,
    line_len: usize,
    line_limit: usize,
    position: Position,
    previous_line_crlf: bool,
    pending_cr: bool,
    normalise_bare_lf: bool,
    /// Off only in tests, to check the bulk path against the line-by-line one.
    bulk: bool,
    findings: DataFindings,
}

impl DataReceiver {
    /// A receiver that stores at most `cap` octets and flags lines over `line_limit`.
    /// With `normalise_bare_lf`, a bare LF is stored as CRLF (still flagged).
    pub fn new(cap: usize, line_limit: usize, normalise_bare_lf: bool) -> Self {
        Self {
            text: Vec::new(),
            cap,
            octets: 0,
            line_len: 0,
            line_limit,
            position: Position::LineStart,
            // The CRLF of the DATA command counts: "DATA\r\n.\r\n" is an empty message.
            previous_line_crlf: true,
            pending_cr: false,
            normalise_bare_lf,
            bulk: true,
            findings: DataFindings::default(),
        }
    }

    /// Reserves room for `expected` octets (a SIZE= declaration), never beyond the cap,
    /// so a large message is not copied again and again as it grows.
    pub(crate) fn reserve(&mut self, expected: u64) {
        let room = usize::try_from(expected)
            .unwrap_or(usize::MAX)
            .min(self.cap);
        self.text.reserve(room);
    }

    /// Octets of message text held so far (never more than the cap).
    pub fn stored(&self) -> usize {
        self.text.len()
    }

    /// Consumes octets from the front of `input`; returns the message when the end
    /// marker was read, leaving whatever follows it in `input` (pipelined commands).
    pub fn receive(&mut self, input: &mut &[u8]) -> Option<ReceivedData> {
        while let Some((&first, rest)) = input.split_first() {
            match self.position {
                Position::LineStart if first == b'.' => {
                    self.position = Position::AfterDot;
                    *input = rest;
                }
                Position::AfterDot if first == b'\r' => {
                    self.position = Position::AfterDotCr;
                    *input = rest;
                }
                Position::AfterDotCr if first == b'\n' && self.previous_line_crlf => {
                    *input = rest;
                    return Some(self.finish());
                }
                Position::AfterDotCr => {
                    // "." CR then not an ending LF: the dot was stuffing, keep the CR.
                    self.position = Position::InLine;
                    self.pending_cr = true;
                    self.line_len = self.line_len.saturating_add(1);
                    self.count_and_store(b"\r");
                }
                Position::LineStart | Position::AfterDot => self.position = Position::InLine,
                Position::InLine => {
                    if !(self.bulk && self.scan_clean_lines(input)) {
                        self.scan_lines(input);
                    }
                }
            }
        }
        None
    }

    /// The fast path for well-formed text: up to the next line that starts with ".",
    /// checks block by block that every LF has a CR before it and every CR an LF after
    /// it, then that no line is too long, and stores the region with one copy. Returns
    /// false, having changed nothing, when the text ahead needs the line-by-line path.
    fn scan_clean_lines(&mut self, input: &mut &[u8]) -> bool {
        let data = *input;
        let Some(clean) = data_scan::clean_region(data, self.pending_cr, self.line_limit) else {
            return false;
        };
        let region_end = clean.end;
        let region = data.get(..region_end).unwrap_or_default();
        // A region that stops at a dot line ends with its LF, so no search is needed.
        let last_lf = match region.last() {
            Some(b'\n') => region_end.checked_sub(1),
            _ => memchr::memrchr(b'\n', region),
        };
        let partial_start = match last_lf {
            Some(last_lf) => {
                if !self.lines_fit_in(region, last_lf, clean.lines_proved_short) {
                    return false;
                }
                self.line_len = 0;
                self.previous_line_crlf = true;
                last_lf + 1
            }
            None => 0,
        };
        let partial = region.get(partial_start..).unwrap_or_default();
        self.line_len = self.line_len.saturating_add(partial.len());
        match partial.last() {
            Some(&last) => {
                self.pending_cr = last == b'\r';
                self.position = Position::InLine;
            }
            None => {
                self.pending_cr = false;
                self.position = Position::LineStart;
            }
        }
        self.findings.eight_bit |= clean.eight_bit;
        self.count_and_store(region);
        *input = data.get(region_end..).unwrap_or_default();
        true
    }

    /// True when every line that ends in `region` (the last at `last_lf`) is within the
    /// limit. The vector pass's proof covers every line that starts in the region, so
    /// only a line carried over from earlier input is measured then.
    fn lines_fit_in(&self, region: &[u8], last_lf: usize, proved_short: bool) -> bool {
        if proved_short && self.line_len == 0 {
            return true;
        }
        let first_lf = memchr::memchr(b'\n', region).unwrap_or(last_lf);
        let first_wire_len = self.line_len.saturating_add(first_lf).saturating_add(1);
        let later_lines = region.get(first_lf + 1..=last_lf).unwrap_or_default();
        first_wire_len <= self.line_limit
            && (proved_short || lines_fit(later_lines, self.line_limit))
    }

    /// Reads whole lines in bulk: every LF is found with one vectorised scan
    /// (`memchr_iter`), the checks are per line but cheap, and the text is stored with
    /// one copy. Stops after a line end followed by "." (which may be stuffing or the
    /// end marker) or when the input runs out.
    fn scan_lines(&mut self, input: &mut &[u8]) {
        let data = *input;
        if self.pending_cr && data.first() != Some(&b'\n') {
            self.findings.bare_cr = true;
        }
        let mut line_start = 0;
        let mut copied = 0;
        let mut region_end = data.len();
        let mut line_ending_crs = 0usize;
        for lf in memchr::memchr_iter(b'\n', data) {
            let content = data.get(line_start..lf).unwrap_or_default();
            let crlf = match content.last() {
                Some(&last) => last == b'\r',
                None => self.pending_cr,
            };
            if crlf && !content.is_empty() {
                line_ending_crs += 1;
            }
            let ending_len = if crlf { 1 } else { 2 };
            let wire_len = self
                .line_len
                .saturating_add(content.len())
                .saturating_add(ending_len);
            if wire_len > self.line_limit {
                self.findings.long_line = true;
            }
            if !crlf {
                self.findings.bare_lf = true;
                if self.normalise_bare_lf {
                    self.count_and_store(data.get(copied..lf).unwrap_or_default());
                    self.count_and_store(b"\r");
                    copied = lf;
                }
            }
            self.previous_line_crlf = crlf;
            self.pending_cr = false;
            self.line_len = 0;
            line_start = lf + 1;
            if data.get(line_start) == Some(&b'.') {
                region_end = line_start;
                break;
            }
        }
        let region = data.get(..region_end).unwrap_or_default();
        let partial = data.get(line_start..region_end).unwrap_or_default();
        if let Some(&last) = partial.last() {
            self.line_len = self.line_len.saturating_add(partial.len());
            self.pending_cr = last == b'\r';
            self.position = Position::InLine;
        } else {
            self.position = Position::LineStart;
        }
        let trailing_cr = usize::from(self.pending_cr && !partial.is_empty());
        // Any CR beyond the line-ending ones is a bare CR.
        if memchr::memchr_iter(b'\r', region).count() > line_ending_crs + trailing_cr {
            self.findings.bare_cr = true;
        }
        if !region.is_ascii() {
            self.findings.eight_bit = true;
        }
        self.count_and_store(data.get(copied..region_end).unwrap_or_default());
        *input = data.get(region_end..).unwrap_or_default();
    }

    fn count_and_store(&mut self, octets: &[u8]) {
        self.octets = self.octets.saturating_add(octets.len() as u64);
        let room = self.cap.saturating_sub(self.text.len());
        if octets.len() > room {
            self.findings.over_cap = true;
        }
        self.text
            .extend_from_slice(octets.get(..room.min(octets.len())).unwrap_or_default());
    }

    fn finish(&mut self) -> ReceivedData {
        let done = ReceivedData {
            text: core::mem::take(&mut self.text),
            octets: self.octets,
            findings: self.findings,
        };
        let bulk = self.bulk;
        *self = Self::new(self.cap, self.line_limit, self.normalise_bare_lf);
        self.bulk = bulk;
        done
    }
}

/// True when every line in `lines` (which ends with an LF) is at most `limit` octets,
/// LF included. Exact, and cheap for normal text: the line starting at `start` must
/// end within the next `limit` octets, and so must every line that ends before the
/// last LF in that window, so one backward vector search per window (not per line)
/// proves a whole window of lines short.
fn lines_fit(lines: &[u8], limit: usize) -> bool {
    let mut start = 0;
    while start < lines.len() {
        let window_end = start.saturating_add(limit).min(lines.len());
        let window = lines.get(start..window_end).unwrap_or_default();
        match memchr::memrchr(b'\n', window) {
            Some(last_lf) => start += last_lf + 1,
            None => return false,
        }
    }
    true
}

// Test code only: its unwraps run on fixed test inputs, never on a peer's octets.
#[cfg(test)]
mod tests {
    use super::*;

    fn receive_all(input: &[u8]) -> (Option<ReceivedData>, usize) {
        let mut receiver = DataReceiver::new(1 << 20, 1000, false);
        let mut rest = input;
        let done = receiver.receive(&mut rest);
        (done, rest.len())
    }

    #[test]
    fn ends_only_at_crlf_dot_crlf_and_unstuffs() {
        let (done, rest) = receive_all(b"Subject: x\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n");
        let done = done.unwrap();
        assert_eq!(done.text, b"Subject: x\r\n\r\n.leading dot\r\n");
        assert_eq!(rest, b"QUIT\r\n".len());
        assert_eq!(done.findings, DataFindings::default());
    }

    #[test]
    fn empty_message_ends_immediately() {
        let (done, _) = receive_all(b".\r\n");
        assert_eq!(done.unwrap().text, b"");
    }

    #[test]
    fn smuggling_variants_do_not_end_data() {
        for body in [
            &b"a\n.\nMAIL FROM:<x@y>\r\n"[..],
            b"a\n.\r\nMAIL FROM:<x@y>\r\n",
            b"a\r\n.\nMAIL FROM:<x@y>\r\n",
            b"a\r.\rMAIL FROM:<x@y>\r\n",
        ] {
            let (done, _) = receive_all(body);
            assert!(done.is_none(), "{body:?} ended the data");
        }
        let mut input = b"a\n.\r\nb\r\n.\r\n".to_vec();
        let (done, _) = receive_all(&input);
        let done = done.unwrap();
        assert!(done.findings.bare_lf);
        input.clear();
    }

    #[test]
    fn same_result_one_byte_at_a_time() {
        let input = b"A: b\r\n\r\n..x\r\nline\rwith cr\r\n\xc3\xa9\r\n.\r\n";
        let (whole, _) = receive_all(input);
        let mut receiver = DataReceiver::new(1 << 20, 1000, false);
        let mut result = None;
        for byte in input.iter() {
            let mut one = core::slice::from_ref(byte);
            if let Some(done) = receiver.receive(&mut one) {
                result = Some(done);
            }
        }
        assert_eq!(whole, result);
        let findings = whole.unwrap().findings;
        assert!(findings.bare_cr && findings.eight_bit && !findings.bare_lf);
    }

    #[test]
    fn long_lines_and_cap_are_flagged_and_bounded() {
        let mut receiver = DataReceiver::new(100, 1000, false);
        let mut input = vec![b'x'; 5000];
        input.extend_from_slice(b"\r\n.\r\n");
        let done = receiver.receive(&mut &input[..]).unwrap();
        assert!(done.findings.long_line && done.findings.over_cap);
        assert_eq!(done.text.len(), 100);
        assert_eq!(done.octets, 5002);
    }

    #[test]
    fn lines_fit_matches_the_longest_line() {
        let lines_of = |lengths: &[usize]| -> Vec<u8> {
            lengths
                .iter()
                .flat_map(|&n| core::iter::repeat_n(b'x', n - 1).chain([b'\n']))
                .collect()
        };
        for lengths in [
            &[1usize][..],
            &[10, 10, 10],
            &[20, 1, 20, 20],
            &[21],
            &[5, 21, 5],
            &[19, 19, 19, 19, 19, 19, 21],
            &[
                1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 20,
            ],
        ] {
            let longest = lengths.iter().copied().max().unwrap_or(0);
            assert_eq!(
                lines_fit(&lines_of(lengths), 20),
                longest <= 20,
                "{lengths:?}"
            );
        }
        assert!(lines_fit(b"", 20));
        assert!(!lines_fit(b"\n", 0));
    }

    #[test]
    fn line_of_exactly_1000_octets_is_allowed() {
        let mut input = vec![b'x'; 998];
        input.extend_from_slice(b"\r\n.\r\n");
        let (done, _) = receive_all(&input);
        assert!(!done.unwrap().findings.long_line);
        let mut stuffed = b".".to_vec();
        stuffed.extend(vec![b'x'; 998]);
        stuffed.extend_from_slice(b"\r\n.\r\n");
        let (done, _) = receive_all(&stuffed);
        assert!(
            !done.unwrap().findings.long_line,
            "a stuffing dot does not count"
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod bulk_path_tests {
    use super::*;
    use proptest::prelude::*;

    fn run(input: &[u8], cuts: &[usize], bulk: bool, normalise: bool) -> Option<ReceivedData> {
        run_with(300, 20, input, cuts, bulk, normalise)
    }

    fn run_with(
        cap: usize,
        line_limit: usize,
        input: &[u8],
        cuts: &[usize],
        bulk: bool,
        normalise: bool,
    ) -> Option<ReceivedData> {
        let mut receiver = DataReceiver::new(cap, line_limit, normalise);
        receiver.bulk = bulk;
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
        points.sort_unstable();
        let mut start = 0;
        for end in points.into_iter().chain([input.len()]) {
            let mut chunk = input.get(start..end).unwrap_or_default();
            if let Some(done) = receiver.receive(&mut chunk) {
                return Some(done);
            }
            start = end;
        }
        None
    }

    proptest! {
        #[test]
        fn bulk_path_matches_line_by_line(
            parts in prop::collection::vec(prop_oneof![
                Just(&b"\r\n"[..]), Just(&b"\r\n"[..]), Just(&b"\n"[..]), Just(&b"\r"[..]),
                Just(&b"."[..]), Just(&b".\r\n"[..]), Just(&b"abc"[..]), Just(&b"0123456789"[..]),
                Just("\u{e9}".as_bytes()),
            ], 0..60),
            cuts in prop::collection::vec(any::<usize>(), 0..6),
            normalise in any::<bool>(),
        ) {
            let input: Vec<u8> = parts.concat();
            prop_assert_eq!(
                run(&input, &cuts, true, normalise),
                run(&input, &[], false, normalise)
            );
        }

        /// Lines around a limit large enough for the vector pass to prove lines short
        /// (and to miss the proof), split anywhere: the bulk path still finds exactly
        /// the long lines the line-by-line path finds.
        #[test]
        fn bulk_path_measures_lines_like_line_by_line(
            lengths in prop::collection::vec(0usize..300, 1..40),
            dots in prop::collection::vec(any::<bool>(), 40),
            cuts in prop::collection::vec(any::<usize>(), 0..6),
        ) {
            let mut input = Vec::new();
            for (length, dot) in lengths.iter().zip(&dots) {
                if *dot {
                    input.push(b'.');
                }
                input.extend(core::iter::repeat_n(b'x', *length));
                input.extend_from_slice(b"\r\n");
            }
            input.extend_from_slice(b".\r\n");
            prop_assert_eq!(
                run_with(100_000, 200, &input, &cuts, true, false),
                run_with(100_000, 200, &input, &[], false, false)
            );
        }
    }
}
