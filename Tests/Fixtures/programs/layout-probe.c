/* layout-probe: a process with a known layout for memsleuth's tests and
 * fixtures (Tests/Fixtures/programs/layout-probe.c; built by the tests with
 * `cc -O0 -o layout-probe layout-probe.c`).
 *
 * - `big`: 1 MiB of BSS (static, zero-initialised), first page touched;
 * - a heap page touched through malloc;
 * - an anonymous mapping of 16 pages that is never touched;
 * - a file in a directory with a space in its name, mmapped MAP_SHARED and
 *   then unlinked: its mapping shows " (deleted)";
 * - an anonymous mapping named "memsleuth probe" (prctl PR_SET_VMA, 5.17+);
 * - a 4 MiB region aligned to 2 MiB, madvise(MADV_HUGEPAGE), touched.
 *
 * Prints one line of addresses and the BSS size, then sleeps until killed:
 *   ready big=0x... heap=0x... untouched=0x... deleted=0x... named=0x... thp=0x...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

static char big[1 << 20];

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    big[0] = 1;

    char *heap = malloc(64);
    memset(heap, 0x5a, 64);

    char *untouched = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    char dir[] = "/tmp/memsleuth probe XXXXXX";
    char *deleted = MAP_FAILED;
    if (mkdtemp(dir)) {
        char path[256];
        snprintf(path, sizeof path, "%s/mapped file.bin", dir);
        int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0 && ftruncate(fd, 4 * page) == 0) {
            deleted = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            if (deleted != MAP_FAILED) deleted[0] = 1;
        }
        if (fd >= 0) close(fd);
        unlink(path);
        rmdir(dir);
    }

    char *named = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (named != MAP_FAILED) {
        prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)named, 8 * page, "memsleuth probe");
        named[0] = 1;
    }

    size_t huge = 2u << 20, span = 4u << 20;
    char *raw = mmap(NULL, span + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *thp = MAP_FAILED;
    if (raw != MAP_FAILED) {
        thp = (char *)(((unsigned long)raw + huge - 1) & ~(huge - 1));
        madvise(thp, span, MADV_HUGEPAGE);
        memset(thp, 1, span);
    }

    printf("ready big=%p heap=%p untouched=%p deleted=%p named=%p thp=%p bss=%zu\n",
           (void *)big, (void *)heap, (void *)untouched, (void *)deleted, (void *)named, (void *)thp, sizeof big);
    fflush(stdout);
    for (;;) pause();
}
