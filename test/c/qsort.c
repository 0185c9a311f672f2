/* qsort of 10k pseudo-random ints (and a struct array with a tie-break),
 * checked for order and summarised with a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 10000
static int v[N];
struct rec { int key; int idx; };
static struct rec r[N];

static int cmp_int(const void *x, const void *y) { int a = *(const int *)x, b = *(const int *)y; return (a > b) - (a < b); }
static int cmp_rec(const void *x, const void *y) {
    const struct rec *a = x, *b = y;
    if (a->key != b->key) return (a->key > b->key) - (a->key < b->key);
    return (a->idx > b->idx) - (a->idx < b->idx);
}

int main(void) {
    uint64_t s = 88172645463325252ull; /* xorshift64 */
    for (int i = 0; i < N; i++) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; v[i] = (int)(uint32_t)s; }
    qsort(v, N, sizeof v[0], cmp_int);
    int sorted = 1; uint64_t sum = 0, h = 1469598103934665603ull;
    for (int i = 0; i < N; i++) {
        if (i && v[i - 1] > v[i]) sorted = 0;
        sum += (uint64_t)(int64_t)v[i] * (uint64_t)(i + 1);
        h ^= (uint32_t)v[i]; h *= 1099511628211ull;
    }
    printf("ints sorted=%d min=%d max=%d median=%d weighted=%llu hash=%016llx\n", sorted, v[0], v[N - 1], v[N / 2],
           (unsigned long long)sum, (unsigned long long)h);

    for (int i = 0; i < N; i++) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; r[i].key = (int)(s % 100); r[i].idx = i; }
    qsort(r, N, sizeof r[0], cmp_rec);
    sorted = 1; h = 1469598103934665603ull;
    for (int i = 0; i < N; i++) {
        if (i && cmp_rec(&r[i - 1], &r[i]) > 0) sorted = 0;
        h ^= (uint32_t)(r[i].key * 100003 + r[i].idx); h *= 1099511628211ull;
    }
    printf("recs sorted=%d first=%d/%d last=%d/%d hash=%016llx\n", sorted, r[0].key, r[0].idx, r[N - 1].key, r[N - 1].idx, (unsigned long long)h);

    /* bsearch in the sorted ints */
    int found = 0;
    for (int i = 0; i < N; i += 97) if (bsearch(&v[i], v, N, sizeof v[0], cmp_int)) found++;
    int missing = v[0] - 1;
    printf("bsearch found=%d missing=%s\n", found, bsearch(&missing, v, N, sizeof v[0], cmp_int) ? "yes" : "no");
    return 0;
}
