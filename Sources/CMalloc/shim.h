// glibc's allocator tuning (mallopt), for the command's process-wide memory policy.
#include <malloc.h>
