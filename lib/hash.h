/*
 * hash.h — SHA-256 (FIPS 180-4) for file provenance, input digests and
 * hashed e-mail addresses. Streaming: init, update any number of times, final.
 */
#ifndef ALLOT_HASH_H
#define ALLOT_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct allot_sha256 {
    uint32_t state[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t used;
} allot_sha256;

void allot_sha256_init(allot_sha256 *h);
void allot_sha256_update(allot_sha256 *h, const void *data, size_t len);
void allot_sha256_final(allot_sha256 *h, unsigned char digest[32]);

/* Writes the 64 lower-case hex digits of digest and a NUL into hex. */
void allot_sha256_hex(const unsigned char digest[32], char hex[65]);

/* Hashes a whole file; *bytes gets its size. ALLOT_ERR_IO when unreadable. */
allot_status allot_sha256_file(const char *path, char hex[65], int64_t *bytes,
                               allot_error *err);

#endif
