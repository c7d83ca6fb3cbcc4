/*
 * gpus.c - counts the node's GPUs (gpus.h). Devices are counted by name
 * "nvidia<digits>" so that the control nodes never count as GPUs.
 */
#include <ctype.h>
#include <dirent.h>
#include <string.h>

#include "gpus.h"

static int
gpus_count(const char *dir, int (*match)(const char *))
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += match(de->d_name);
	closedir(d);
	return n;
}

static int
gpus_is_dev(const char *name)
{
	const char *p;

	if (strncmp(name, "nvidia", 6) != 0 || name[6] == '\0')
		return 0;
	for (p = name + 6; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

static int
gpus_is_bus(const char *name)
{
	return name[0] != '.';	/* "0000:01:00.0" */
}

int
gpus_detect(const char *devdir, const char *procdir)
{
	int n = gpus_count(devdir ? devdir : "/dev", gpus_is_dev);

	if (n == 0)
		n = gpus_count(procdir ? procdir : "/proc/driver/nvidia/gpus", gpus_is_bus);
	return n;
}
