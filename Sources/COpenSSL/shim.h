#ifndef INCENTIVES_COPENSSL_SHIM_H
#define INCENTIVES_COPENSSL_SHIM_H

// System OpenSSL 3 (Debian's libssl-dev). Function-like macros and SSL_OP_* bit constants do
// not import into Swift, so each one the product uses gets a small static inline shim here.

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/ec.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/sha.h>

// SHA-256 on a caller-held state, for HMACSHA256Key: it keeps the key's inner and outer states and
// resumes copies of them per message. OpenSSL 3 deprecates these low-level functions in favour of
// EVP, whose per-call provider dispatch costs more than the two compressions of a short HMAC (164
// against 96 ns here); they remain in OpenSSL 3 and run the same assembly.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static inline int shim_SHA256_Init(SHA256_CTX *c) { return SHA256_Init(c); }
static inline int shim_SHA256_Update(SHA256_CTX *c, const void *data, size_t length) { return SHA256_Update(c, data, length); }
static inline int shim_SHA256_Final(unsigned char *digest, SHA256_CTX *c) { return SHA256_Final(digest, c); }
#pragma GCC diagnostic pop

static inline int shim_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline int shim_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
static inline long shim_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}
static inline long shim_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}
static inline int shim_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list) {
    return (int)SSL_CTX_set1_groups_list(ctx, list);
}
static inline long shim_SSL_session_reused(const SSL *ssl) {
    return SSL_session_reused(ssl);
}

static const uint64_t shim_SSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
static const uint64_t shim_SSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
static const uint64_t shim_SSL_OP_NO_SSLv3 = SSL_OP_NO_SSLv3;
static const uint64_t shim_SSL_OP_NO_TLSv1 = SSL_OP_NO_TLSv1;
static const uint64_t shim_SSL_OP_NO_TLSv1_1 = SSL_OP_NO_TLSv1_1;
static const uint64_t shim_SSL_OP_IGNORE_UNEXPECTED_EOF = SSL_OP_IGNORE_UNEXPECTED_EOF;
static const uint64_t shim_SSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
static const long shim_SSL_MODE_RELEASE_BUFFERS = SSL_MODE_RELEASE_BUFFERS;
static const long shim_SSL_MODE_AUTO_RETRY = SSL_MODE_AUTO_RETRY;
static const long shim_SSL_SESS_CACHE_SERVER = SSL_SESS_CACHE_SERVER;
static const long shim_SSL_SESS_CACHE_NO_INTERNAL = SSL_SESS_CACHE_NO_INTERNAL;
static const long shim_SSL_SESS_CACHE_NO_AUTO_CLEAR = SSL_SESS_CACHE_NO_AUTO_CLEAR;

static inline long shim_BIO_set_mem_eof_return(BIO *bio, long value) {
    return BIO_set_mem_eof_return(bio, value);
}
static inline void shim_OPENSSL_free(void *pointer) {
    OPENSSL_free(pointer);
}
static inline EVP_PKEY *shim_EVP_EC_gen_P256(void) {
    return EVP_EC_gen("P-256");
}
static inline int shim_X509V3_set_ctx_nodb(X509V3_CTX *ctx) {
    X509V3_set_ctx_nodb(ctx);
    return 1;
}

// Session-ticket key setup for SSL_CTX_set_tlsext_ticket_key_evp_cb: AES-256-CBC with `iv`, and
// HMAC-SHA-256 under `hmac_key` (OSSL_PARAM arrays are awkward to build from Swift).
static inline int shim_ticket_key_init(EVP_CIPHER_CTX *cipher, EVP_MAC_CTX *mac, const unsigned char *aes_key,
                                       unsigned char *hmac_key, const unsigned char *iv, int encrypt) {
    OSSL_PARAM params[3];
    params[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, hmac_key, 32);
    params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
    params[2] = OSSL_PARAM_construct_end();
    if (EVP_MAC_CTX_set_params(mac, params) != 1) return 0;
    return EVP_CipherInit_ex(cipher, EVP_aes_256_cbc(), NULL, aes_key, iv, encrypt);
}

#endif
