#ifndef FEEDWORKER_CBASE64_H
#define FEEDWORKER_CBASE64_H
#include <stddef.h>
#include <stdint.h>

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
/// number of bytes written (`*consumed / 4 * 3`). The caller finishes the rest. Never reads
/// `src[n…]`, never writes `dst[cap…]`. Call only when `fw_cpu_has_avx2()` returned 1; on other
/// architectures it consumes nothing.
size_t fw_base64_decode_avx2(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, size_t *consumed);

#endif
