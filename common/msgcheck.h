/*
 * msgcheck.h - strict checking of a message's fields against a table: a
 * field the table does not name, or one of another type, is refused with
 * a reason naming it. Handlers then read fields knowing their type.
 */
#ifndef PUMICE_MSGCHECK_H
#define PUMICE_MSGCHECK_H

#include <stddef.h>

#include <jansson.h>

enum {
	MF_STR = 1 << 0,
	MF_INT = 1 << 1,
	MF_BOOL = 1 << 2,
	MF_ARR = 1 << 3,
	MF_OBJ = 1 << 4,
	MF_NULL = 1 << 5,
	MF_REAL = 1 << 6,
	MF_NUM = MF_INT | MF_REAL,	/* a measure: an integer or a real */
	MF_ANY = (1 << 7) - 1,
};

struct msgfield {
	const char *name;
	int types;		/* MF_* that are accepted */
};

/* A table ends with a { NULL } row. */
#define MSGFIELD_END { NULL, 0 }

/*
 * Checks every field of obj (an object) against the tables (ntab of them,
 * each ending with MSGFIELD_END; a field may be in any). 0, or -1 with
 * "unknown field 'x'" or "field 'x' must be a string" in err.
 */
int msgcheck(const json_t *obj, const struct msgfield *const *tabs, size_t ntab,
    char *err, size_t errlen);

#endif
