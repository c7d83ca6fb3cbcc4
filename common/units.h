/*
 * units.h - LSF sizes and times: "1024", "1024MB", "4G", "2 GB"; limits
 * "[h:]m". Unsuffixed sizes use the given default unit (LSF_UNIT_FOR_LIMITS:
 * KB, MB, GB, TB).
 */
#ifndef PUMICE_UNITS_H
#define PUMICE_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Parses a size into KB. Returns 0 or -1 with err. */
int units_parse_size(const char *s, const char *default_unit, uint64_t *kb,
    char *err, size_t errlen);
/* Parses "[h:]m" minutes into seconds; "Ns" is N seconds (Pumice). */
int units_parse_minutes(const char *s, long *seconds, char *err, size_t errlen);
/* "3.8 Gbytes" / "512 Mbytes" style, into buf. */
void units_format_kb(uint64_t kb, char *buf, size_t len);

#endif
