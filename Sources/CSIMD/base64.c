// AVX2 base64 decoding: the vector loop of Muła and Lemire, "Faster Base64 Encoding and Decoding
// Using AVX2 Instructions" (ACM TWEB 2018), written here from the paper's description: validation
// and translation through three 16-entry nibble tables (the constants the method defines; the same
// ones appear in aklomp/base64 and simdutf, from which no code was taken), packing with two
// multiply-adds and two shuffles. The loop only touches whole 32-byte blocks inside [src, src + n)
// and [dst, dst + cap); see the loop condition. Covered by JobDecodingFastPathTests (every byte value
// at every position of two blocks, against the reference decoder; the vector loop called directly)
// and by the job-json fuzz target under AddressSanitizer.
#include "CSIMD.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
size_t fw_base64_decode_avx2(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, size_t *consumed) {
    // Validity: a byte is in the alphabet iff lut_lo[low nibble] & lut_hi[high nibble] == 0.
    const __m256i lut_lo = _mm256_setr_epi8(
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A,
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m256i lut_hi = _mm256_setr_epi8(
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    // Translation: the offset to add by high nibble ('/' is moved to slot 1 by the compare).
    const __m256i lut_roll = _mm256_setr_epi8(
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i mask_2f = _mm256_set1_epi8(0x2F);
    const __m256i merge_pairs = _mm256_set1_epi32(0x01400140);  // a << 6 | b, c << 6 | d
    const __m256i merge_words = _mm256_set1_epi32(0x00011000);  // ab << 12 | cd
    const __m256i bytes_out = _mm256_setr_epi8(
        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    const __m256i lanes_out = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, -1, -1);
    size_t i = 0, o = 0;
    // Bounds: the load reads src[i, i + 32) with i + 32 <= n; the store writes dst[o, o + 32) with
    // o + 32 <= cap. Both are checked before each block (with Base64.decode's capacity of
    // 3 * (n / 4) + 8, either check alone would keep both accesses in bounds; any other caller's
    // capacity needs both).
    while (n - i >= 32 && cap - o >= 32) {
        __m256i s = _mm256_loadu_si256((const __m256i *)(const void *)(src + i));
        const __m256i hi_nibbles = _mm256_and_si256(_mm256_srli_epi32(s, 4), mask_2f);
        const __m256i lo_nibbles = _mm256_and_si256(s, mask_2f);
        const __m256i hi = _mm256_shuffle_epi8(lut_hi, hi_nibbles);
        const __m256i lo = _mm256_shuffle_epi8(lut_lo, lo_nibbles);
        if (!_mm256_testz_si256(lo, hi)) break;
        const __m256i eq_2f = _mm256_cmpeq_epi8(s, mask_2f);
        s = _mm256_add_epi8(s, _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(eq_2f, hi_nibbles)));
        s = _mm256_maddubs_epi16(s, merge_pairs);
        s = _mm256_madd_epi16(s, merge_words);
        s = _mm256_shuffle_epi8(s, bytes_out);
        s = _mm256_permutevar8x32_epi32(s, lanes_out);
        _mm256_storeu_si256((__m256i *)(void *)(dst + o), s);
        i += 32;
        o += 24;
    }
    *consumed = i;
    return o;
}

#else

size_t fw_base64_decode_avx2(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, size_t *consumed) {
    (void)src; (void)n; (void)dst; (void)cap;
    *consumed = 0;
    return 0;
}

#endif
