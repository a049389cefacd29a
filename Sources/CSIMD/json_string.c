// AVX2 scan of a JSON string's plain run: 32 bytes per step, stopping at the first block holding a
// byte that needs a look (`"`, `\`, a control character below 0x20, or a byte of 0x80 and above).
// A base64 job body is one such run of ~170 kB. Covered by JobDecodingFastPathTests (each special
// byte at every position, against the scalar scan) and by the job-json fuzz target under ASan.
#include "CSIMD.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
size_t fw_json_plain_run_avx2(const uint8_t *src, size_t n) {
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    const __m256i space = _mm256_set1_epi8(0x20);
    size_t i = 0;
    // Bounds: the load reads src[i, i + 32) with i + 32 <= n, checked before each block.
    while (n - i >= 32) {
        const __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(src + i));
        // Signed compare: 0x20 > v holds for the control characters and, as negative bytes, for
        // every byte of 0x80 and above.
        const __m256i special = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash)),
            _mm256_cmpgt_epi8(space, v));
        const unsigned mask = (unsigned)_mm256_movemask_epi8(special);
        if (mask != 0) return i + (size_t)__builtin_ctz(mask);
        i += 32;
    }
    return i;
}

#else

size_t fw_json_plain_run_avx2(const uint8_t *src, size_t n) {
    (void)src; (void)n;
    return 0;
}

#endif
