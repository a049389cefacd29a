// Which vector instructions this machine may use (checked once by the Swift callers).
#include "CSIMD.h"

#if defined(__x86_64__)
#include <cpuid.h>

int fw_cpu_has_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    // OSXSAVE (27) and AVX (28): the OS saves the YMM state; XCR0 bits 1 and 2 say it does.
    if (!(c & (1u << 27)) || !(c & (1u << 28))) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    if ((lo & 6u) != 6u) return 0;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 5)) != 0;
}

#else

int fw_cpu_has_avx2(void) { return 0; }

#endif
