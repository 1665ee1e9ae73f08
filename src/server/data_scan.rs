//! The DATA receiver's bulk check: how far the text ahead is well formed, i.e. every
//! CR is followed by an LF and every LF preceded by a CR, with no line that starts with
//! "." (stuffing or the end marker, which the receiver's state machine must see), and
//! whether any octet in it is 8-bit. Well-formed text is then stored with one copy.
//!
//! Two forms give the same answer: a portable one, a branch-free fold per block that
//! the compiler vectorises at the build's baseline width, and on x86-64 CPUs with AVX2
//! (checked at run time) one pass with byte masks (`avx2.rs`), which runs at memory
//! speed. Tests compare the two.

#[cfg(target_arch = "x86_64")]
mod avx2;

/// Octets per vector pass: large enough that the per-block reduction is noise, small
/// enough that a block with a problem costs little to re-scan up to a dot line.
const SCAN_BLOCK: usize = 1024;

/// Octets per vector step: the fold keeps this many lanes and reduces them once per
/// block. 64 is one AVX-512 register, two AVX2 ones or four SSE2 ones: a loop step
/// does enough work to hide its own bookkeeping.
const LANES: usize = 64;

/// The well-formed text at the front of the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CleanRegion {
    /// Where it ends: just after the LF before a line that starts with ".", or at the
    /// end of the data.
    pub end: usize,
    /// It holds an octet above 127.
    pub eight_bit: bool,
    /// Every line that ends in it after its first LF is known to fit the line limit,
    /// so the caller need not measure them. False means "not known".
    pub lines_proved_short: bool,
}

/// How far `data` is well formed: from its start up to just after the LF before the
/// first line that starts with "." (or to its end). `pending_cr` says whether the octet
/// before `data` was a CR. None when that stretch holds a bare CR or LF: the caller's
/// line-by-line path then takes it. `line_limit` is the receiver's, for
/// [`CleanRegion::lines_proved_short`].
pub(crate) fn clean_region(
    data: &[u8],
    pending_cr: bool,
    line_limit: usize,
) -> Option<CleanRegion> {
    // WHY no AVX-512 form: one was written (four compares per 64 octets, lane masks
    // straight into integer registers) and was not faster on the AMD EPYC this was
    // measured on, where 512-bit operations run as two 256-bit halves.
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        return avx2::clean_region(simd, data, pending_cr, line_limit);
    }
    let _ = line_limit; // only the AVX2 pass can prove lines short on the way
    walk_blocks(data, pending_cr, SCAN_BLOCK)
}

/// The portable form: a fold per block of `block` octets ([`SCAN_BLOCK`]; small in
/// tests) that the compiler vectorises at the build's baseline width (SSE2 on x86-64).
fn walk_blocks(data: &[u8], pending_cr: bool, block: usize) -> Option<CleanRegion> {
    first_octet_fits(data, pending_cr)?;
    let mut eight_bit = false;
    let mut start = 0usize;
    loop {
        // One octet of look-ahead, so the pair across the block edge is checked too.
        let window_end = start
            .saturating_add(block)
            .saturating_add(1)
            .min(data.len());
        let window = data.get(start..window_end).unwrap_or_default();
        let mut scan = scan_pairs(window);
        let mut end = window_end;
        if let Some(lf) = scan.dot_line {
            // A line starts with "." here: stop after the LF before it. The flags may
            // include a few octets past it (what follows may be the next command, not
            // this message), so a window with a problem is judged again up to the LF.
            end = start.saturating_add(lf).saturating_add(1);
            if scan.unpaired || scan.eight_bit {
                scan = scan_pairs(data.get(start..end).unwrap_or_default());
            }
        }
        if scan.unpaired {
            return None;
        }
        eight_bit |= scan.eight_bit;
        if end < window_end || end == data.len() {
            return Some(CleanRegion {
                end,
                eight_bit,
                lines_proved_short: false,
            });
        }
        start = end.saturating_sub(1).max(start.saturating_add(1));
    }
}

/// What one pass over a window found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct PairScan {
    /// Some CR is not followed by LF, or some LF is not preceded by CR.
    unpaired: bool,
    /// Some octet is above 127.
    eight_bit: bool,
    /// Where the first LF that is followed by "." sits. The pass stops at the vector
    /// step that holds it, so the two flags cover at least everything before it.
    dot_line: Option<usize>,
}

/// Scans the neighbouring pairs `(window[i], window[i + 1])`. The last octet is looked
/// at only as the second of a pair (and for 8-bit): a CR there waits for the next input.
#[inline(always)]
fn scan_pairs(window: &[u8]) -> PairScan {
    let Some((&first, rest)) = window.split_first() else {
        return PairScan::default();
    };
    let before = window.get(..rest.len()).unwrap_or_default();
    let (before_chunks, _) = before.as_chunks::<LANES>();
    let (after_chunks, _) = rest.as_chunks::<LANES>();
    let mut lanes = Lanes::default();
    let mut scanned = 0;
    for (before, after) in before_chunks.iter().zip(after_chunks) {
        lanes.absorb(before, after);
        scanned += LANES;
        if any_lane(&lanes.dot_line) != 0 {
            // Look for it octet by octet from the start of this step.
            scanned -= LANES;
            break;
        }
    }
    let mut scan = PairScan {
        unpaired: any_lane(&lanes.unpaired) != 0,
        eight_bit: (any_lane(&lanes.high) | first) >= 0x80,
        dot_line: None,
    };
    scan_tail(&mut scan, before, rest, scanned);
    scan
}

/// Per-lane accumulators: all-ones where a lane has seen a problem. Kept apart and
/// reduced once per window, so the loop body is compares and ORs only.
struct Lanes {
    unpaired: [u8; LANES],
    dot_line: [u8; LANES],
    high: [u8; LANES],
}

impl Default for Lanes {
    fn default() -> Self {
        Self {
            unpaired: [0; LANES],
            dot_line: [0; LANES],
            high: [0; LANES],
        }
    }
}

impl Lanes {
    /// Folds in the pairs `(before[i], after[i])`. Fixed-size arrays with a constant
    /// loop bound: the indexing cannot fail and compiles to vector lanes.
    #[inline(always)]
    fn absorb(&mut self, before: &[u8; LANES], after: &[u8; LANES]) {
        for i in 0..LANES {
            let (a, b) = (before[i], after[i]);
            self.unpaired[i] |= all_ones(a == b'\r') ^ all_ones(b == b'\n');
            self.dot_line[i] |= all_ones(a == b'\n') & all_ones(b == b'.');
            self.high[i] |= b;
        }
    }
}

/// The OR of all lanes. (Comparing the array with `[0; LANES]` goes through memory and
/// stalls; this stays in registers.)
#[inline(always)]
fn any_lane(lanes: &[u8; LANES]) -> u8 {
    lanes.iter().fold(0, |all, &lane| all | lane)
}

/// 0xFF for true: the shape a vector compare produces, so no masking is needed.
#[inline(always)]
fn all_ones(condition: bool) -> u8 {
    if condition {
        0xFF
    } else {
        0
    }
}

/// What a vector pass found.
#[cfg(target_arch = "x86_64")]
struct Findings {
    pairs: PairScan,
    /// Every aligned piece of the pass's piece size held an LF.
    lines_proved_short: bool,
}

/// A step that holds the first dot line: its position and the flags of the pairs
/// before it.
#[cfg(target_arch = "x86_64")]
struct DotStep {
    lf_at: usize,
    unpaired: bool,
    eight_bit: bool,
}

/// Steps of `width` octets per piece for the line-length proof. If every aligned piece
/// of P octets holds an LF, a line of 2P octets or more is impossible (it would contain
/// a whole piece), so with P at most half the limit every line ending in the region
/// fits. P is a whole number of steps, so the check is one OR per step and one test
/// per piece. None when the limit is too small for a piece of one step: the caller
/// then measures lines.
#[cfg(target_arch = "x86_64")]
fn piece_steps(line_limit: usize, width: usize) -> Option<usize> {
    let steps = line_limit / 2 / width.max(1);
    (steps > 0).then_some(steps)
}

/// The first octet must be an LF exactly when the octet before the data was a CR.
/// Some(octet) when that holds.
fn first_octet_fits(data: &[u8], pending_cr: bool) -> Option<u8> {
    let first = *data.first()?;
    ((first == b'\n') == pending_cr).then_some(first)
}

/// The region a vector pass describes: to just after the dot line's LF, or to the end;
/// None when it holds a bare CR or LF.
#[cfg(target_arch = "x86_64")]
fn region_from(first: u8, data: &[u8], findings: Findings) -> Option<CleanRegion> {
    if findings.pairs.unpaired {
        return None;
    }
    let end = findings
        .pairs
        .dot_line
        .map_or(data.len(), |lf| lf.saturating_add(1));
    Some(CleanRegion {
        end,
        eight_bit: findings.pairs.eight_bit || first >= 0x80,
        lines_proved_short: findings.lines_proved_short,
    })
}

/// The pairs from `from` on (after a pass's last whole step), octet by octet, up to
/// the first LF ".".
#[inline(always)]
fn scan_tail(pairs: &mut PairScan, before: &[u8], after: &[u8], from: usize) {
    let rest_before = before.get(from..).unwrap_or_default();
    let rest_after = after.get(from..).unwrap_or_default();
    for (offset, (&a, &b)) in rest_before.iter().zip(rest_after).enumerate() {
        if a == b'\n' && b == b'.' {
            pairs.dot_line = Some(from + offset);
            return;
        }
        pairs.unpaired |= (a == b'\r') != (b == b'\n');
        pairs.eight_bit |= b >= 0x80;
    }
}

// Test code only: its unwraps run on fixed test inputs, never on a peer's octets.
#[cfg(test)]
mod tests {
    use super::*;

    /// What `scan_pairs` must find, by the plainest possible loop, for a window
    /// without a dot line.
    fn expected(window: &[u8]) -> PairScan {
        PairScan {
            unpaired: window
                .windows(2)
                .any(|w| (w[0] == b'\r') != (w[1] == b'\n')),
            eight_bit: window.iter().any(|&b| b >= 0x80),
            dot_line: None,
        }
    }

    #[test]
    fn clean_crlf_text_is_paired_and_seven_bit() {
        assert_eq!(
            scan_pairs(b"Subject: a\r\n\r\nbody line\r\n"),
            PairScan::default()
        );
    }

    #[test]
    fn finds_each_kind_of_problem() {
        assert!(scan_pairs(b"a\nb").unpaired, "bare LF");
        assert!(scan_pairs(b"a\rb").unpaired, "bare CR");
        assert!(
            !scan_pairs(b"a\r").unpaired,
            "a last CR waits for the next octet"
        );
        assert!(scan_pairs(b"caf\xc3\xa9\r\n").eight_bit);
        assert!(
            scan_pairs(b"\xe9").eight_bit,
            "a single octet is checked too"
        );
        assert_eq!(scan_pairs(b"a\r\n.b").dot_line, Some(2));
        assert_eq!(scan_pairs(b"a.\r\nb").dot_line, None);
    }

    #[test]
    fn every_lane_and_the_tail_agree_with_a_byte_loop() {
        let clean = b"0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ\r\n".repeat(6);
        assert_eq!(scan_pairs(&clean), PairScan::default());
        for at in 0..clean.len() {
            for octet in [b'\n', b'\r', 0xff] {
                let mut window = clean.clone();
                window[at] = octet;
                assert_eq!(scan_pairs(&window), expected(&window), "{octet:#x} at {at}");
            }
        }
    }

    #[test]
    fn the_first_dot_line_is_found_in_every_lane_and_the_tail() {
        let clean = b"0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ\r\n".repeat(8);
        for at in 0..clean.len() - 1 {
            let mut window = clean.clone();
            window[at] = b'\n';
            window[at + 1] = b'.';
            let scan = scan_pairs(&window);
            assert_eq!(scan.dot_line, Some(at), "dot line at {at}");
            let before = &window[..=at];
            assert!(
                scan.unpaired || !expected(before).unpaired,
                "flags cover what comes before the dot line"
            );
        }
        let line_ends: Vec<usize> = (0..clean.len()).filter(|&i| clean[i] == b'\n').collect();
        let mut two = clean.clone();
        two[line_ends[1] + 1] = b'.';
        two[line_ends[5] + 1] = b'.';
        assert_eq!(
            scan_pairs(&two).dot_line,
            Some(line_ends[1]),
            "the first one"
        );
    }

    #[test]
    fn region_stops_before_a_dot_line_and_before_an_unclean_block() {
        let text = b"line one\r\nline two\r\n..stuffed\r\nmore\r\n";
        let stuffed_at = 20;
        for block in [1, 4, 7, 64, SCAN_BLOCK] {
            assert_eq!(
                walk_blocks(text, false, block),
                Some(CleanRegion {
                    end: stuffed_at,
                    eight_bit: false,
                    lines_proved_short: false,
                }),
                "block {block}"
            );
        }
        let bare_lf = b"0123456789\r\n0123456789\nx";
        assert_eq!(
            walk_blocks(bare_lf, false, 8),
            None,
            "a bare LF anywhere before the dot line sends it all to the line path"
        );
        assert_eq!(walk_blocks(bare_lf, false, SCAN_BLOCK), None);
        assert_eq!(walk_blocks(b"\nabc", false, 8), None, "bare LF first");
        assert!(
            walk_blocks(b"\nabc", true, 8).is_some(),
            "the LF of a CR before"
        );
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod vector_pass_tests {
    use super::*;
    use proptest::prelude::*;

    /// The vector passes this CPU has, by name (a CPU without AVX2 has none, and these
    /// tests then check nothing: the portable form is tested above).
    /// One vector pass: data, pending CR, line limit.
    type Pass = Box<dyn Fn(&[u8], bool, usize) -> Option<CleanRegion>>;

    fn vector_passes() -> Vec<(&'static str, Pass)> {
        let mut passes: Vec<(&'static str, Pass)> = Vec::new();
        if let Some(simd) = pulp::x86::V3::try_new() {
            passes.push((
                "AVX2",
                Box::new(move |d, p, l| avx2::clean_region(simd, d, p, l)),
            ));
        }
        passes
    }

    proptest! {
        /// Each vector pass and the portable one, at block sizes that put block edges
        /// everywhere, give the same region for any text.
        #[test]
        fn vector_passes_match_the_portable_fold(
            parts in prop::collection::vec(prop_oneof![
                Just(&b"\r\n"[..]), Just(&b"\r\n"[..]), Just(&b"\n"[..]), Just(&b"\r"[..]),
                Just(&b"."[..]), Just(&b"\r\n."[..]), Just(&b"abcdefghijklmnopqrstuvwxyz"[..]),
                Just("\u{e9}".as_bytes()),
            ], 0..80),
            pending_cr in any::<bool>(),
            block in prop_oneof![1usize..9, 30usize..70, Just(SCAN_BLOCK)],
        ) {
            let data: Vec<u8> = parts.concat();
            let region = |r: Option<CleanRegion>| r.map(|r| (r.end, r.eight_bit));
            let portable = region(walk_blocks(&data, pending_cr, block));
            for (name, pass) in vector_passes() {
                prop_assert_eq!(region(pass(&data, pending_cr, 1000)), portable, "{}", name);
            }
        }

        /// When a vector pass says the lines are short, they are: measured exactly.
        #[test]
        fn lines_proved_short_are_short(
            lengths in prop::collection::vec(1usize..400, 1..60),
            limit in prop_oneof![Just(64usize), 65usize..300, Just(1000)],
        ) {
            let mut data = Vec::new();
            for length in &lengths {
                data.extend(core::iter::repeat_n(b'x', length - 1));
                data.extend_from_slice(b"\r\n");
            }
            let longest = lengths.iter().map(|l| l + 1).max().unwrap_or(0);
            for (name, pass) in vector_passes() {
                let region = pass(&data, false, limit).unwrap();
                if region.lines_proved_short {
                    prop_assert!(longest <= limit, "{}: {} > {}", name, longest, limit);
                }
            }
        }
    }

    #[test]
    fn ordinary_text_is_proved_short_and_a_long_line_is_not() {
        let text = b"a line of ordinary text, well under the limit\r\n".repeat(200);
        let mut long = text.clone();
        long.splice(500..500, core::iter::repeat_n(b'x', 1200));
        for (name, pass) in vector_passes() {
            assert!(
                pass(&text, false, 1000).unwrap().lines_proved_short,
                "{name}"
            );
            assert!(
                !pass(&text, false, 60).unwrap().lines_proved_short,
                "{name}: a limit under one piece proves nothing"
            );
            assert!(
                !pass(&long, false, 1000).unwrap().lines_proved_short,
                "{name}"
            );
        }
    }
}
