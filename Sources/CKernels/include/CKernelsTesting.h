#ifndef WGAN_CKERNELS_TESTING_H
#define WGAN_CKERNELS_TESTING_H

// Hooks for tests only: production code never calls them. Each bends a kernel's behaviour to make a
// rare case common (a late worker, a first call racing the kernel choice). Swift reaches them only
// through the explicit submodule `CKernels.Testing` (see module.modulemap), which `import CKernels`
// does not bring in, so a call from production code would stand out as `import CKernels.Testing`.

#ifdef __cplusplus
extern "C" {
#endif

/// For pool stress tests: spin this many times between writing a job and publishing it, which widens
/// the window in which a late worker meets a half-written job. 0, the default, spins none.
void wgan_testing_pool_set_publish_delay(int spins);

/// For kernel-choice tests: forget the kernels chosen for this CPU (tanh's and the indexed copies'),
/// so that the next calls choose again, as the first calls of a process do.
void wgan_testing_kernels_forget_choice(void);

#ifdef __cplusplus
}
#endif

#endif
