/*
 * Preloaded (LD_PRELOAD) into a node process by AofFsyncFailureTest: while the file named by the
 * FAIL_FSYNC_WHILE environment variable exists, fsync and fdatasync fail with EIO, as on a failing disk;
 * otherwise they are the C library's.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static int failing(void) {
    const char *marker = getenv("FAIL_FSYNC_WHILE");
    return marker != NULL && access(marker, F_OK) == 0;
}

int fdatasync(int fd) {
    if (failing()) {
        errno = EIO;
        return -1;
    }
    int (*real)(int) = (int (*)(int)) dlsym(RTLD_NEXT, "fdatasync");
    return real(fd);
}

int fsync(int fd) {
    if (failing()) {
        errno = EIO;
        return -1;
    }
    int (*real)(int) = (int (*)(int)) dlsym(RTLD_NEXT, "fsync");
    return real(fd);
}
