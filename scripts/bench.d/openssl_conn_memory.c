/* What OpenSSL keeps per server connection after a TLS 1.3 handshake, by allocation site.
 *
 *   cc -O1 scripts/bench.d/openssl_conn_memory.c -o /tmp/ossl-mem -lssl -lcrypto
 *   /tmp/ossl-mem CERT.pem KEY.pem
 *
 * Runs one full handshake (to warm up lazily created globals), then a second one with every
 * OpenSSL allocation recorded (CRYPTO_set_mem_functions), frees the client and prints what the
 * server's SSL still holds, with SSL_MODE_RELEASE_BUFFERS as Mingle sets it. The two memory BIOs
 * that carry the handshake here are left out of the total: Mingle's own BIO keeps no storage. */
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { void *p; size_t n; const char *file; int line; } Allocation;
static Allocation table[100000];
static int count, tracking;

static void record(void *p, size_t n, const char *file, int line) {
    if (tracking && p && count < (int)(sizeof table / sizeof *table)) table[count++] = (Allocation){p, n, file, line};
}
static void forget(void *p) {
    for (int i = count - 1; i >= 0 && p; i--) if (table[i].p == p) { table[i].p = NULL; return; }
}
static void *m(size_t n, const char *file, int line) { void *p = malloc(n); record(p, n, file, line); return p; }
static void f(void *p, const char *file, int line) { (void)file; (void)line; forget(p); free(p); }
static void *r(void *p, size_t n, const char *file, int line) {
    if (p) forget(p);  /* before realloc: afterwards p may not be looked at */
    void *q = realloc(p, n);
    record(q, n, file, line);
    return q;
}

static int is_memory_bio(const char *file) {
    return strstr(file, "bss_mem.c") || strstr(file, "buffer/buffer.c") || strstr(file, "bio_lib.c");
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s CERT.pem KEY.pem\n", argv[0]); return 2; }
    CRYPTO_set_mem_functions(m, r, f);
    SSL_CTX *server_ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(server_ctx, argv[1]) != 1 ||
        SSL_CTX_use_PrivateKey_file(server_ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
        fprintf(stderr, "cannot load %s / %s\n", argv[1], argv[2]);
        return 2;
    }
    SSL_CTX_set_mode(server_ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_num_tickets(server_ctx, 1);
    SSL_CTX *client_ctx = SSL_CTX_new(TLS_client_method());
    static char buf[65536];
    for (int round = 0; round < 2; round++) {
        tracking = round == 1;
        SSL *s = SSL_new(server_ctx), *c = SSL_new(client_ctx);
        BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
        BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
        SSL_set_bio(s, s_in, s_out);
        SSL_set_bio(c, c_in, c_out);
        SSL_set_accept_state(s);
        SSL_set_connect_state(c);
        for (int step = 0; step < 10; step++) {
            int n;
            SSL_do_handshake(c);
            while ((n = BIO_read(c_out, buf, sizeof buf)) > 0) BIO_write(s_in, buf, n);
            SSL_do_handshake(s);
            while ((n = BIO_read(s_out, buf, sizeof buf)) > 0) BIO_write(c_in, buf, n);
        }
        char byte;
        SSL_read(c, &byte, 1);  /* takes the session ticket */
        if (!SSL_is_init_finished(s)) { fprintf(stderr, "handshake did not finish\n"); return 1; }
        SSL_free(c);
        tracking = 0;
        if (round == 1) {
            size_t total = 0;
            printf("%s, %s, server side after the handshake:\n", OpenSSL_version(OPENSSL_VERSION), SSL_get_cipher(s));
            for (int i = 0; i < count; i++) {
                if (!table[i].p || is_memory_bio(table[i].file)) continue;
                size_t sum = 0; int k = 0;
                for (int j = i; j < count; j++) {
                    if (table[j].p && table[j].file == table[i].file && table[j].line == table[i].line) {
                        sum += table[j].n; k++;
                        if (j != i) table[j].p = NULL;
                    }
                }
                total += sum;
                printf("%7zu B  %2d x  %s:%d\n", sum, k, table[i].file, table[i].line);
            }
            printf("total %zu B (%.1f KiB) requested, before malloc's own overhead\n", total, total / 1024.0);
        }
        SSL_free(s);
    }
    return 0;
}
