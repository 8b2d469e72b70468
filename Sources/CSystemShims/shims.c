#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "CSystemShims.h"

int mingle_epoll_wait(int epfd, uint64_t *tokens, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, evs, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        tokens[i] = evs[i].data.u64;
        events[i] = evs[i].events;
    }
    return n;
}

void mingle_set_thread_name(const char *name) {
    pthread_setname_np(pthread_self(), name);
}

int mingle_accept_nonblocking(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

#include <unistd.h>
#include <sys/syscall.h>
int mingle_gettid(void) { return (int)syscall(SYS_gettid); }

const void *mingle_memrchr(const void *s, int c, size_t n) {
    return memrchr(s, c, n);
}

const void *mingle_memmem(const void *haystack, size_t haystack_len, const void *needle, size_t needle_len) {
    return memmem(haystack, haystack_len, needle, needle_len);
}
