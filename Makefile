# SPDX-License-Identifier: GPL-2.0
# Conformance suite for the kfunc bpf_arena_free_pages().
#
#   make          build the runner and the BPF objects into build/
#   make check    install what is missing, run the suite on this kernel
#   make test     the project's own tests (unit tests, live suite, VMs:
#                 TEST_KERNELS)

CLANG     ?= clang-19
CC        ?= gcc
BUILD     := build
ARCH_INC  := /usr/include/$(shell $(CC) -dumpmachine)

# libbpf >= 1.6 (bpf_object__prepare()): a system one if there is one,
# else Debian's source package built into build/libbpf (scripts/
# build-libbpf.sh), or LIBBPF_SRC=DIR (a kernel tree's tools/lib/bpf).
LIBBPF_DIR ?= $(CURDIR)/build/libbpf
ifeq ($(shell pkg-config --atleast-version=1.6 libbpf 2>/dev/null && echo y),y)
LIBBPF_A   :=
LIBBPF_INC :=
else
LIBBPF_A   := $(LIBBPF_DIR)/lib/libbpf.a
LIBBPF_INC := -I$(LIBBPF_DIR)/include
endif

CFLAGS    ?= -O2 -g
ALL_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE $(LIBBPF_INC) -Irunner $(CFLAGS)
# --wrap=syscall: runner/bpf_time.c counts the time libbpf spends in bpf().
# --wrap=btf__load_vmlinux_btf: runner/kernel.c lends libbpf its vmlinux BTF.
LDLIBS    := $(if $(LIBBPF_A),$(LIBBPF_A),-lbpf) -lelf -lz -lpthread \
	     -Wl,--wrap=syscall -Wl,--wrap=btf__load_vmlinux_btf
# jansson writes and reads the runner's JSON (runner/report.c, runner/
# audit_evidence.c); Debian's libjansson-dev has the libjansson.a that
# conform-static links.
LDLIBS    += -ljansson
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -Wall -Werror $(LIBBPF_INC) -Iprogs -Irunner \
	      -I$(ARCH_INC)

RUNNER_SRCS := $(filter-out runner/main.c,$(wildcard runner/*.c))
RUNNER_OBJS := $(RUNNER_SRCS:runner/%.c=$(BUILD)/runner/%.o)
BPF_OBJS    := $(patsubst progs/%.bpf.c,$(BUILD)/progs/%.bpf.o,$(wildcard progs/*.bpf.c))
UNIT_TESTS  := $(patsubst runner/tests/%.c,$(BUILD)/tests/%,$(wildcard runner/tests/test_*.c))

.PHONY: all check test unit deps vm-deps vmtest matrix asan fuzz bench install \
	bisect-demo clean cross
.DELETE_ON_ERROR:

all: $(BUILD)/conform $(BPF_OBJS)

$(LIBBPF_DIR)/lib/libbpf.a:
	$(LIBBPF_ENV) scripts/build-libbpf.sh $(LIBBPF_DIR)

$(BUILD)/runner/%.o: runner/%.c $(wildcard runner/*.h) $(LIBBPF_A) | $(BUILD)/runner
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/conform: $(BUILD)/runner/main.o $(RUNNER_OBJS)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Static, for an initramfs: no shared libraries in the VM.
$(BUILD)/conform-static: $(BUILD)/runner/main.o $(RUNNER_OBJS)
	$(CC) -static $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/progs/%.bpf.o: progs/%.bpf.c $(wildcard progs/*.h) runner/uapi_compat.h $(LIBBPF_A) | $(BUILD)/progs
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tests/%: runner/tests/%.c $(RUNNER_OBJS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Broken copies of a runner source file, for its unit test to catch:
# $(call unit_mutants,SOURCE,TEST,BINARY) makes build/tests/SOURCE-M.c,
# runner/SOURCE.c edited by $(SOURCE_sed_M), and build/tests/BINARY-M,
# runner/tests/TEST.c linked with it instead of runner/SOURCE.c, for each
# mutant M. scripts/test.sh runs them, and each must fail.
define unit_mutants
$(BUILD)/tests/$(1)-%.c: runner/$(1).c | $(BUILD)/tests
	sed '$$($(1)_sed_$$*)' $$< >$$@
	! cmp -s $$< $$@	# the edit must change something

$(BUILD)/tests/$(3)-%: runner/tests/$(2).c $(BUILD)/tests/$(1)-%.c \
		$$(filter-out $(BUILD)/runner/$(1).o,$$(RUNNER_OBJS))
	$$(CC) $$(ALL_CFLAGS) $$(LDFLAGS) $$^ $$(LDLIBS) -o $$@
endef

# runner/arena_pool.c's check, which scripts/test.sh runs on a kernel that
# defers frees, and three broken copies of arena_pool.c it must catch: one
# without the drain's two rounds, one that takes every arena for held by no
# program, one whose arena_frees_landed() does not wait.
POOL_MUTANTS := no-rounds no-refs-check no-landed-wait
arena_pool_sed_no-rounds   := s/^\tround_lands(gone, n, [01]);$$/\t(void)round_lands;/
arena_pool_sed_no-refs-check := s/^\(\t*\)if (ids\[i\] \&\& refs\[i\] == OWN_REFS)$$/\1if (ids[i])/
arena_pool_sed_no-landed-wait := s/^\twhile (arena_page_mapped(page, ps)) {$$/\twhile (0 \&\& arena_page_mapped(page, ps)) {/
POOL_CHECKS := $(BUILD)/tests/check_arena_pool \
	       $(POOL_MUTANTS:%=$(BUILD)/tests/check_arena_pool-%)
$(eval $(call unit_mutants,arena_pool,check_arena_pool,check_arena_pool))

# Copies of runner/control_memo.c that forget one part of a control's key:
# build/tests/test_control_memo must fail on each.
MEMO_MUTANTS := no-type no-target no-insns
control_memo_sed_no-type   := s/a->prog_type == b->prog_type \&\&//
control_memo_sed_no-target := s/a->attach_btf_id == b->attach_btf_id \&\&//
control_memo_sed_no-insns  := s/^\t       !memcmp(a->insns, b->insns, .*);$$/\t       1;/
MEMO_CHECKS := $(MEMO_MUTANTS:%=$(BUILD)/tests/mutant_control_memo-%)
$(eval $(call unit_mutants,control_memo,test_control_memo,mutant_control_memo))

# Copies of runner/tags.c whose tags_strip() strips nothing, strips the
# kernel's decl tags too, or edits bytes it did not parse:
# build/tests/test_tags must fail on each.
TAGS_MUTANTS := no-strip all-decl-tags no-byte-check
tags_sed_no-strip       := s/^\t\tmemcpy((char \*)raw + off, int_t, TAG_SIZE);$$/\t\t(void)int_t;/
tags_sed_all-decl-tags  := s/^\t\tif (!own_tag(btf, d))$$/\t\tif (!btf_is_decl_tag(d))/
tags_sed_no-byte-check  := s/^\t\tif (memcmp((char \*)raw + off, d, TAG_SIZE))$$/\t\tif (0)/
TAGS_CHECKS := $(TAGS_MUTANTS:%=$(BUILD)/tests/mutant_tags-%)
$(eval $(call unit_mutants,tags,test_tags,mutant_tags))

# Copies of runner/expect.c whose glob index loses the second and later
# rules of a name, or puts a name's own rules before earlier wildcard
# ones: build/tests/test_expect must fail on each.
EXPECT_MUTANTS := no-chain literal-first
expect_sed_no-chain      := s/^\t\t\trs->rules\[tail\[first\]\].next_same = i;$$/\t\t\t(void)tail;/
expect_sed_literal-first := s/^\tif (it->lit >= 0 \&\& (w < 0 || it->lit < w)) {$$/\tif (it->lit >= 0) {/
EXPECT_CHECKS := $(EXPECT_MUTANTS:%=$(BUILD)/tests/mutant_expect-%)
$(eval $(call unit_mutants,expect,test_expect,mutant_expect))

# Broken copies of the runner, each with one edit of runner/run_stage.c,
# that a step of scripts/test.sh must catch:
#   no-held-wait  ends its wait for a late free without waiting until no
#                 program holds the arena (run_wait_check: the timer cases'
#                 free comes 100 ms after their program returned);
#   no-hooks-end  leaves the trampoline anchors of runner/hooks.c attached
#                 (links_released_check: the runner's own count of the BPF
#                 links it still holds after the run stage);
#   race-one-cpu  races on one CPU as on two, static (race_one_cpu, in a VM
#                 with one CPU).
run_stage_sed_no-held-wait := s/^\twhile (refs != base) {$$/\twhile (0 \&\& refs != base) {/
run_stage_sed_no-hooks-end := s/^\thooks_end();$$/\t(void)hooks_end;/
run_stage_sed_race-one-cpu := s/^\tif (c->kind == CASE_RUN_RACE \&\& sysconf(_SC_NPROCESSORS_ONLN) < 2) {$$/\tif (0) {/
RUNNER_CHECKS := $(BUILD)/tests/conform-no-held-wait $(BUILD)/tests/conform-no-hooks-end \
		 $(BUILD)/tests/conform-static-race-one-cpu

$(BUILD)/tests/run_stage-%.c: runner/run_stage.c | $(BUILD)/tests
	sed '$(run_stage_sed_$*)' $< >$@
	! cmp -s $< $@	# the edit must change something

$(BUILD)/tests/conform-%: $(BUILD)/runner/main.o $(BUILD)/tests/run_stage-%.c \
		$(filter-out $(BUILD)/runner/run_stage.o,$(RUNNER_OBJS))
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/conform-static-race-one-cpu: $(BUILD)/runner/main.o $(BUILD)/tests/run_stage-race-one-cpu.c \
		$(filter-out $(BUILD)/runner/run_stage.o,$(RUNNER_OBJS))
	$(CC) $(ALL_CFLAGS) -static $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/runner $(BUILD)/progs $(BUILD)/tests $(BUILD)/fuzz $(BUILD)/bench:
	mkdir -p $@

deps:
	scripts/install-deps.sh

vm-deps:
	scripts/install-deps.sh --vm $(addprefix --arch ,$(ARCHES))

# ARGS are passed to the runner: make check ARGS="-t xdp -v"
check: deps
	$(MAKE) all
	scripts/check.sh $(ARGS)

unit: $(UNIT_TESTS) $(POOL_CHECKS) $(MEMO_CHECKS) $(TAGS_CHECKS) $(EXPECT_CHECKS) $(RUNNER_CHECKS) \
	$(BUILD)/conform $(BUILD)/conform-static $(BPF_OBJS) $(BUILD)/bench/bench

# make test's VM kernels (scripts/test.sh): Debian's amd64 ones, and arm64
# and s390x on one kernel each, whose static runners it cross-builds.
TEST_KERNELS ?= 6.1 6.12 7.0 7.3 arm64:7.3 s390x:7.2
TEST_ARCHES   = $(filter $(CROSS_ARCHES),$(call kernel_arches,$(TEST_KERNELS)))
# The architectures of kernels as vmtest.sh -k takes them: "arm64:7.3" and
# "rt-arm64:7.0" run on arm64, "powerpc64le-64k:7.2" on ppc64el, "7.3"
# and "rt:7.0" on amd64.
kernel_arch   = $(or $(firstword $(foreach a,arm64 s390x riscv64,$(if $(findstring $(a),$(1)),$(a))) \
		  $(if $(findstring powerpc64le,$(1))$(findstring ppc64el,$(1)),ppc64el)),amd64)
kernel_arches = $(sort $(foreach k,$(1),$(if $(findstring :,$(k)),$(call kernel_arch,$(firstword $(subst :, ,$(k)))),amd64)))
test:
	scripts/install-deps.sh --vm $(addprefix --arch ,$(TEST_ARCHES))
	$(MAKE) unit asan fuzz
	$(foreach a,$(TEST_ARCHES),$(MAKE) cross ARCH=$(a) &&) true
	TEST_KERNELS="$(TEST_KERNELS)" VM_JOBS=$(VM_JOBS) scripts/test.sh

# The runner built with AddressSanitizer and UBSan: build/asan/conform
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer
asan:
	$(MAKE) BUILD=$(BUILD)/asan CC=$(CLANG) CFLAGS="-O1 -g $(SAN_FLAGS)" \
		LDFLAGS="$(SAN_FLAGS)" $(BUILD)/asan/conform

# libFuzzer targets for the parsers: build/fuzz/fuzz_*; scripts/fuzz.sh runs them
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZERS    := $(patsubst runner/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard runner/fuzz/fuzz_*.c))
fuzz: $(FUZZERS)

$(BUILD)/fuzz/%: runner/fuzz/%.c $(RUNNER_SRCS) $(wildcard runner/*.h) $(LIBBPF_A) | $(BUILD)/fuzz
	$(CLANG) -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE $(LIBBPF_INC) -Irunner $(FUZZ_FLAGS) \
		$< $(RUNNER_SRCS) $(LDLIBS) -o $@

# make bench: the kfunc's cost per page, here and (BENCH_KERNELS) in VMs
BENCH_KERNELS ?=
$(BUILD)/bench/bench.bpf.o: progs/bench/bench.bpf.c progs/conform.h runner/uapi_compat.h | $(BUILD)/bench
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/bench: runner/bench/bench.c $(RUNNER_OBJS) | $(BUILD)/bench
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/bench/bench-static: runner/bench/bench.c $(RUNNER_OBJS) | $(BUILD)/bench
	$(CC) -static $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

bench: $(BUILD)/bench/bench $(BUILD)/bench/bench-static $(BUILD)/bench/bench.bpf.o
	scripts/bench.sh $(BENCH_KERNELS)

# Run the suite in a VM: make vmtest KERNEL=6.12 (or a vmlinuz, a bzImage;
# "arm64:7.0", or ARCH=arm64, for another architecture: see make cross)
KERNEL  ?= 7.3
# (the ten Debian kernels the suite is verified on, and two PREEMPT_RT
# ones, before and from 7.0)
KERNELS ?= 6.1 6.12 6.16 6.17 6.18 6.19 7.0 7.1 7.2 7.3 rt:6.12 rt:7.0
# The architectures of make matrix: each bare version of KERNELS on each
ARCHES  ?= amd64
vmtest: vm-deps
	$(MAKE) $(BUILD)/conform-static $(BPF_OBJS)
	$(if $(filter $(ARCH),$(CROSS_ARCHES)),$(MAKE) cross ARCH=$(ARCH))
	scripts/vmtest.sh -k $(KERNEL) $(if $(filter $(ARCH),$(CROSS_ARCHES)),--arch $(ARCH)) \
		-o $(BUILD)/vmtest.json -- $(ARGS)

# The suite on several kernels: build/matrix.json and build/matrix.md.
# VM_JOBS VMs at a time (also for make test); by default what the machine
# can hold: one (2 CPUs) per 2 CPUs and per 3 GiB of available memory.
VM_JOBS ?= $(shell scripts/matrix.sh --default-jobs)
matrix: vm-deps
	$(MAKE) $(BUILD)/conform-static $(BPF_OBJS)
	$(foreach a,$(filter $(CROSS_ARCHES),$(sort $(ARCHES) $(call kernel_arches,$(KERNELS)))),$(MAKE) cross ARCH=$(a) &&) true
	scripts/matrix.sh -j $(VM_JOBS) --arch "$(ARCHES)" $(KERNELS) -- $(ARGS)

# A kselftest directory, for tools/testing/selftests/bpf_arena_conform/:
# make install INSTALL_PATH=DIR
INSTALL_PATH ?= $(BUILD)/kselftest
install: all $(BUILD)/conform-static
	scripts/install.sh $(INSTALL_PATH)

# git bisect run over Debian's kernels names the first that accepts a
# non-sleepable XDP caller, in both directions
bisect-demo: vm-deps
	$(MAKE) $(BUILD)/conform-static $(BPF_OBJS)
	scripts/bisect-demo.sh

clean:
	rm -rf $(BUILD)

# ---- Cross-building: make cross ARCH=arm64 (or make ARCH=arm64) -----------
# $(BUILD)/ARCH/conform, a static runner for ARCH, made with Debian 12's
# cross compiler (scripts/install-deps.sh --arch ARCH), libbpf built for
# ARCH from its cached source, and libelf, zlib and jansson from ARCH's
# Debian packages in a private sysroot (scripts/cross-sysroot.sh, which
# builds libelf and jansson from Debian's sources for riscv64); and the BPF
# objects of ARCH's byte order: $(BUILD)/progs (bpfel), or $(BUILD)/progs-eb
# (bpfeb) for s390x.
CROSS_ARCHES    := arm64 s390x riscv64 ppc64el
triplet_arm64   := aarch64-linux-gnu
triplet_s390x   := s390x-linux-gnu
triplet_riscv64 := riscv64-linux-gnu
triplet_ppc64el := powerpc64le-linux-gnu
BPF_OBJS_EB     := $(BPF_OBJS:$(BUILD)/progs/%=$(BUILD)/progs-eb/%)
CROSS_TRIPLET    = $(triplet_$(ARCH))

ifneq ($(filter $(ARCH),$(CROSS_ARCHES)),)
all: cross
endif

cross:
	@test -n "$(CROSS_TRIPLET)" || \
		{ echo "make cross: ARCH is one of $(CROSS_ARCHES), not '$(ARCH)'" >&2; exit 2; }
	@command -v $(CROSS_TRIPLET)-gcc >/dev/null || \
		{ echo "make cross: no $(CROSS_TRIPLET)-gcc (scripts/install-deps.sh --arch $(ARCH))" >&2; exit 2; }
	sysroot=$$(scripts/cross-sysroot.sh $(ARCH)) && \
	$(MAKE) BUILD=$(BUILD)/$(ARCH) CC=$(CROSS_TRIPLET)-gcc ARCH= \
		CFLAGS="$(CFLAGS) -I$$sysroot/usr/include" \
		LDFLAGS="-static -L$$sysroot/usr/lib/$(CROSS_TRIPLET)" \
		LIBBPF_DIR=$(CURDIR)/$(BUILD)/$(ARCH)/libbpf \
		LIBBPF_A=$(CURDIR)/$(BUILD)/$(ARCH)/libbpf/lib/libbpf.a \
		LIBBPF_INC=-I$(CURDIR)/$(BUILD)/$(ARCH)/libbpf/include \
		LIBBPF_ENV="CC=$(CROSS_TRIPLET)-gcc AR=$(CROSS_TRIPLET)-ar \
			LIBBPF_CFLAGS='-g -O2 -I$$sysroot/usr/include'" \
		$(BUILD)/$(ARCH)/conform
	$(MAKE) ARCH= $(if $(filter s390x,$(ARCH)),$(BPF_OBJS_EB),$(BPF_OBJS))

$(BUILD)/progs-eb/%.bpf.o: progs/%.bpf.c $(wildcard progs/*.h) runner/uapi_compat.h $(LIBBPF_A) | $(BUILD)/progs-eb
	$(CLANG) $(subst -target bpf ,-target bpfeb ,$(BPF_CFLAGS)) -c $< -o $@

$(BUILD)/progs-eb:
	mkdir -p $@
