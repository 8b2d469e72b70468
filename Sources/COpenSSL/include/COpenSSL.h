#ifndef MINGLE_COPENSSL_H
#define MINGLE_COPENSSL_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/rand.h>
#include <openssl/hmac.h>

// Function-like macros and SSL_OP_BIT() constants do not import into Swift; these wrappers are the
// only C the TLS module needs. Settings follow Mozilla's intermediate guideline 6.0 on OpenSSL 3.0.

static inline int mingle_ctx_set_proto_range(SSL_CTX *c, int min, int max) {
    return (int)SSL_CTX_set_min_proto_version(c, min) & (int)SSL_CTX_set_max_proto_version(c, max);
}

static inline int mingle_ctx_set_groups(SSL_CTX *c, const char *groups) {
    return (int)SSL_CTX_set1_groups_list(c, groups);
}

static inline uint64_t mingle_ctx_set_hardening_options(SSL_CTX *c) {
    return SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION       /* CRIME */
                                | SSL_OP_NO_RENEGOTIATION      /* no TLS 1.2 renegotiation, either side */
                                | SSL_OP_IGNORE_UNEXPECTED_EOF);/* browsers close without close_notify */
    /* Session tickets stay on (no SSL_OP_NO_TICKET): TLS 1.3 resumption is stateless, sealed with the
       process's ticket keys (mingle_ctx_set_ticket_keys), so every loop's context accepts every ticket
       and the server keeps nothing per departed client. OpenSSL 3.0 refuses psk_ke-only resumption
       unless SSL_OP_ALLOW_NO_DHE_KEX is set, so a resumed TLS 1.3 handshake stays forward secret. */
}

static inline long mingle_ctx_set_modes(SSL_CTX *c) {
    return SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS /* idle connections drop their record buffers */
                             | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                             /* The chain file is sent as it is (leaf first, then its intermediates):
                                without this flag OpenSSL builds a chain from the empty trust store
                                on every handshake of a leaf-only file (an X509_STORE_CTX and a
                                failed X509_verify_cert each time). nginx sets it too. */
                             | SSL_MODE_NO_AUTO_CHAIN);
}

static inline long mingle_ctx_session_cache(SSL_CTX *c, long entries) {
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_SERVER);
    return SSL_CTX_sess_set_cache_size(c, entries);
}

static inline long mingle_ctx_session_count(SSL_CTX *c) { return SSL_CTX_sess_number(c); }

/* 80 bytes: key name (16), HMAC-SHA256 key (32), AES-256-CBC key (32). */
static inline long mingle_ctx_set_ticket_keys(SSL_CTX *c, const unsigned char *keys, long length) {
    return SSL_CTX_set_tlsext_ticket_keys(c, (void *)keys, length);
}

static const unsigned char mingle_alpn_http11[] = { 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };

// Only http/1.1 is spoken: a client that offers ALPN without it gets no_application_protocol (120).
// A client that sends no ALPN extension never reaches this callback and is accepted.
static inline int mingle_alpn_select(SSL *s, const unsigned char **out, unsigned char *outlen,
                                     const unsigned char *in, unsigned int inlen, void *arg) {
    (void)s; (void)arg;
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, outlen, mingle_alpn_http11, sizeof mingle_alpn_http11, in, inlen)
            != OPENSSL_NPN_NEGOTIATED) return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

static inline void mingle_ctx_alpn_http11_only(SSL_CTX *c) {
    SSL_CTX_set_alpn_select_cb(c, mingle_alpn_select, NULL);
}

static inline EVP_PKEY *mingle_ec_p256_keygen(void) { return EVP_EC_gen("P-256"); }

static inline unsigned long mingle_name_flags_rfc2253(void) { return XN_FLAG_RFC2253; }

#endif
