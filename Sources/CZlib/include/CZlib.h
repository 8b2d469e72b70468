#ifndef MINGLE_CZLIB_H
#define MINGLE_CZLIB_H
#include <zlib.h>
#endif
