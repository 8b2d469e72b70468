#ifndef MINGLE_CSYSTEMSHIMS_H
#define MINGLE_CSYSTEMSHIMS_H
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

/* epoll_event is a packed struct on x86_64; these wrappers keep it out of Swift. */
static inline int mingle_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &ev);
}

static const uint32_t MINGLE_EPOLLIN = EPOLLIN;
static const uint32_t MINGLE_EPOLLOUT = EPOLLOUT;
static const uint32_t MINGLE_EPOLLRDHUP = EPOLLRDHUP;
static const uint32_t MINGLE_EPOLLHUP = EPOLLHUP;
static const uint32_t MINGLE_EPOLLERR = EPOLLERR;
/* One listening socket in several loops' epolls: wake one waiting loop per connection, not all. */
static const uint32_t MINGLE_EPOLLEXCLUSIVE = EPOLLEXCLUSIVE;

/* Waits and unpacks up to `max` events into two plain arrays. */
int mingle_epoll_wait(int epfd, uint64_t *tokens, uint32_t *events, int max, int timeout_ms);

#include <sys/socket.h>
/* accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC (needs _GNU_SOURCE, so it lives in C). */
int mingle_accept_nonblocking(int fd, struct sockaddr *addr, socklen_t *len);

#include <malloc.h>
/* Returns free pages inside the heap to the system (glibc). */
static inline int mingle_malloc_trim(void) { return malloc_trim(0); }

/* The calling thread's kernel id (for /proc/self/task/<tid>). */
int mingle_gettid(void);

/* Names the calling thread (visible in top -H); ignores errors. */
void mingle_set_thread_name(const char *name);

#include <stddef.h>
/* glibc's memrchr and memmem (GNU extensions, so they live in C): the last `c` in the first `n`
   bytes, and the first occurrence of a byte string. */
const void *mingle_memrchr(const void *s, int c, size_t n);
const void *mingle_memmem(const void *haystack, size_t haystack_len, const void *needle, size_t needle_len);
#endif
