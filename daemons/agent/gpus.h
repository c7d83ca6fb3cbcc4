/*
 * gpus.h - how many NVIDIA GPUs the node has, where the driver is loaded:
 * device nodes /dev/nvidia0, /dev/nvidia1, ... (not nvidiactl, nvidia-uvm),
 * else one directory per GPU under /proc/driver/nvidia/gpus/. The agent
 * reports the count at registration; 0 leaves the count to lsf.cluster's
 * ResourceMap (ngpus_physical). Pure directory reads, no event loop.
 */
#ifndef PUMICE_GPUS_H
#define PUMICE_GPUS_H

/* GPUs under devdir and procdir (NULL: the system's paths); 0 none. */
int gpus_detect(const char *devdir, const char *procdir);

#endif
