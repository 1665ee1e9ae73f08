//! The AVX2 form of the bulk check, for x86-64 CPUs that have it (checked at run time).
//!
//! WHY its own form: the portable fold can only say *whether* a block holds a dot line,
//! so it works in blocks and reduces its lanes per block. With AVX2's byte mask
//! (`movemask`) the first dot line's position falls out of the same pass, so the whole
//! input is checked in one loop with no per-block work: at memory speed, like a plain
//! search for "\n.". The intrinsics come through `pulp`'s safe, feature-checked token,
//! so this crate keeps `forbid(unsafe_code)`.

use core::arch::x86_64::__m256i;
use pulp::x86::V3;

use super::{scan_tail, CleanRegion, DotStep, Findings, PairScan};

/// Octets per loop step: two AVX2 vectors, tested together for a dot line, so the
/// loop's own bookkeeping is paid once per 64 octets.
const WIDTH: usize = 64;

/// How far `data` is well formed; None when it is not (see `super::clean_region`).
/// `line_limit` lets the pass prove lines short on the way (see `super::piece_steps`).
pub(super) fn clean_region(
    simd: V3,
    data: &[u8],
    pending_cr: bool,
    line_limit: usize,
) -> Option<CleanRegion> {
    simd.vectorize(Scan {
        simd,
        data,
        pending_cr,
        line_limit,
    })
}

/// The arguments, as the operation run with AVX2 enabled.
struct Scan<'a> {
    simd: V3,
    data: &'a [u8],
    pending_cr: bool,
    line_limit: usize,
}

impl pulp::NullaryFnOnce for Scan<'_> {
    type Output = Option<CleanRegion>;

    #[inline(always)]
    fn call(self) -> Self::Output {
        let first = super::first_octet_fits(self.data, self.pending_cr)?;
        let steps = super::piece_steps(self.line_limit, WIDTH);
        super::region_from(first, self.data, scan_pairs(self.simd, self.data, steps))
    }
}

/// One pass over the pairs `(data[i], data[i + 1])` up to the first LF "."; the flags
/// cover exactly the pairs before it.
#[inline(always)]
fn scan_pairs(simd: V3, data: &[u8], piece_steps: Option<usize>) -> Findings {
    let after = data.get(1..).unwrap_or_default();
    let before = data.get(..after.len()).unwrap_or_default();
    let (before_steps, _) = before.as_chunks::<WIDTH>();
    let (after_steps, _) = after.as_chunks::<WIDTH>();
    let vectors = Vectors::new(simd);
    let zero = vectors.splat(0);
    let (mut unpaired, mut high, mut lf_in_piece) = (zero, zero, zero);
    let mut lines_proved_short = piece_steps.is_some();
    let piece = piece_steps.unwrap_or(usize::MAX);
    let mut steps_in_piece = 0;
    let mut scanned = 0;
    let mut dot_step = None;
    for (before, after) in before_steps.iter().zip(after_steps) {
        let step = vectors.step(before, after);
        if simd.avx._mm256_testz_si256(step.dot_lines, step.dot_lines) == 0 {
            dot_step = Some(step.before_dot_line(simd, scanned));
            break;
        }
        unpaired = simd.avx2._mm256_or_si256(unpaired, step.unpaired);
        high = simd.avx2._mm256_or_si256(high, step.high);
        lf_in_piece = simd.avx2._mm256_or_si256(lf_in_piece, step.lf);
        steps_in_piece += 1;
        if steps_in_piece == piece {
            lines_proved_short &= simd.avx._mm256_testz_si256(lf_in_piece, lf_in_piece) == 0;
            lf_in_piece = zero;
            steps_in_piece = 0;
        }
        scanned += WIDTH;
    }
    let mut pairs = PairScan {
        unpaired: simd.avx._mm256_testz_si256(unpaired, unpaired) == 0,
        eight_bit: mask_bits(simd, high) != 0,
        dot_line: None,
    };
    match dot_step {
        Some(step) => {
            pairs.unpaired |= step.unpaired;
            pairs.eight_bit |= step.eight_bit;
            pairs.dot_line = Some(step.lf_at);
        }
        None => scan_tail(&mut pairs, before, after, scanned),
    }
    Findings {
        pairs,
        lines_proved_short,
    }
}

/// The splatted octets a step compares with.
#[derive(Clone, Copy)]
struct Vectors {
    simd: V3,
    cr: __m256i,
    lf: __m256i,
    dot: __m256i,
}

/// One step's results, two vectors' worth folded into one where only "any" matters.
struct Step {
    /// Lanes where the pair is not CR/LF-consistent, per half.
    unpaired_halves: [__m256i; 2],
    /// Second octets of the pairs, per half (their top bits are the 8-bit octets).
    high_halves: [__m256i; 2],
    /// Lanes where the pair is LF ".", per half.
    dot_line_halves: [__m256i; 2],
    unpaired: __m256i,
    high: __m256i,
    /// Lanes with an LF as second octet (for the line-length proof).
    lf: __m256i,
    dot_lines: __m256i,
}

impl Vectors {
    #[inline(always)]
    fn new(simd: V3) -> Self {
        let splat = |octet: u8| simd.avx._mm256_set1_epi8(i8::from_ne_bytes([octet]));
        Self {
            simd,
            cr: splat(b'\r'),
            lf: splat(b'\n'),
            dot: splat(b'.'),
        }
    }

    #[inline(always)]
    fn splat(self, octet: u8) -> __m256i {
        self.simd.avx._mm256_set1_epi8(i8::from_ne_bytes([octet]))
    }

    /// Compares 64 pairs: `before[i]` is the octet before `after[i]`.
    #[inline(always)]
    fn step(self, before: &[u8; WIDTH], after: &[u8; WIDTH]) -> Step {
        let avx2 = self.simd.avx2;
        let a: [__m256i; 2] = pulp::cast(*before);
        let b: [__m256i; 2] = pulp::cast(*after);
        let half = |a: __m256i, b: __m256i| {
            let lf_after = avx2._mm256_cmpeq_epi8(b, self.lf);
            let unpaired = avx2._mm256_xor_si256(avx2._mm256_cmpeq_epi8(a, self.cr), lf_after);
            let dot_lines = avx2._mm256_and_si256(
                avx2._mm256_cmpeq_epi8(a, self.lf),
                avx2._mm256_cmpeq_epi8(b, self.dot),
            );
            (unpaired, lf_after, dot_lines)
        };
        let (unpaired_low, lf_low, dot_low) = half(a[0], b[0]);
        let (unpaired_high, lf_high, dot_high) = half(a[1], b[1]);
        Step {
            unpaired_halves: [unpaired_low, unpaired_high],
            high_halves: b,
            dot_line_halves: [dot_low, dot_high],
            unpaired: avx2._mm256_or_si256(unpaired_low, unpaired_high),
            high: avx2._mm256_or_si256(b[0], b[1]),
            lf: avx2._mm256_or_si256(lf_low, lf_high),
            dot_lines: avx2._mm256_or_si256(dot_low, dot_high),
        }
    }
}

impl Step {
    /// Where the first dot line is, and what the pairs before it hold: the step's lane
    /// masks, cut at that lane.
    #[inline(always)]
    fn before_dot_line(&self, simd: V3, scanned: usize) -> DotStep {
        let bits = |halves: &[__m256i; 2]| {
            u64::from(mask_bits(simd, halves[0])) | (u64::from(mask_bits(simd, halves[1])) << 32)
        };
        let lane = bits(&self.dot_line_halves).trailing_zeros();
        let before_dot = (1u64 << lane).wrapping_sub(1);
        DotStep {
            lf_at: scanned + lane as usize,
            unpaired: bits(&self.unpaired_halves) & before_dot != 0,
            eight_bit: bits(&self.high_halves) & before_dot != 0,
        }
    }
}

/// One bit per lane: the lane's top bit (set in compare results and 8-bit octets).
#[inline(always)]
fn mask_bits(simd: V3, lanes: __m256i) -> u32 {
    u32::from_ne_bytes(simd.avx2._mm256_movemask_epi8(lanes).to_ne_bytes())
}
