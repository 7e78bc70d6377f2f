#include <stddef.h>
#include <string.h>
#include <csv.h>
