#ifndef FEEDWORKER_CSIMD_H
#define FEEDWORKER_CSIMD_H
#include <stddef.h>
#include <stdint.h>

// The few vector loops of the job decoder, in C because Swift's generic SIMD types are not
// specialized on this toolchain (0.03 GB/s). Each is a small audited loop with its bounds in a
// comment, compared against the scalar Swift code by the tests and fuzzed under AddressSanitizer.

/// 1 when this CPU and the operating system support AVX2 (CPUID leaf 7, OSXSAVE, XCR0 saves the
/// YMM registers); 0 otherwise, and always 0 on other architectures.
int fw_cpu_has_avx2(void);

/// Decodes base64 (RFC 4648 alphabet `A–Z a–z 0–9 + /`) 32 characters at a time with AVX2, from
/// the start of `src`, and stops before the first 32-character block that holds any other byte
/// (padding, white space, anything invalid), before a block that would not fit `n`, or when the
/// next 32-byte store would pass `cap`. Each block yields 24 bytes; the store writes 32 (the last 8
/// are overwritten by the next block or lie past the returned count).
///
/// Writes the number of characters consumed (a multiple of 32) to `*consumed` and returns the
/// number of output bytes (`*consumed / 4 * 3`; the stores may have written up to 8 bytes more). The caller finishes the rest. Never reads
/// `src[n…]`, never writes `dst[cap…]`. Call only when `fw_cpu_has_avx2()` returned 1; on other
/// architectures it consumes nothing.
size_t fw_base64_decode_avx2(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, size_t *consumed);

/// The length of the plain run at the start of `src[0, n)`: bytes that a JSON string holds as they
/// are (not `"`, not `\`, not below 0x20, not 0x80 and above), found 32 bytes at a time with
/// AVX2. Returns the index of the first other byte, or a multiple of 32 when the blocks it looked
/// at were all plain (then the caller scans the rest, fewer than 32 bytes, itself). Never reads
/// `src[n…]`. Call only when `fw_cpu_has_avx2()` returned 1; on other architectures it returns 0.
size_t fw_json_plain_run_avx2(const uint8_t *src, size_t n);

#endif
