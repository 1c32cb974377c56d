// SPDX-License-Identifier: GPL-2.0
/* Finding the verifier's own error line in a log. */
#include "load.h"
#include "unit.h"

static void check(const char *log, const char *want)
{
	char out[MESSAGE_LEN];

	decisive_line(log, out, sizeof(out));
	CHECK(!strcmp(out, want), "got '%s', want '%s'", out, want);
}

int main(void)
{
	check("", "");
	check("\n\n", "");
	check("Syscall programs can only be sleepable\n", "Syscall programs can only be sleepable");
	check("no newline", "no newline");
	check("0: R1=ctx() R10=fp0\n"
	      "; bpf_arena_free_pages(&arena, NULL, 1) @ net.bpf.c:7\n"
	      "0: (18) r1 = 0xffff8881 ; R1_w=map_ptr(map=arena,ks=0,vs=0)\n"
	      "4: (85) call bpf_arena_free_pages#72211\n"
	      "program must be sleepable to call sleepable kfunc bpf_arena_free_pages\n"
	      "processed 4 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n",
	      "program must be sleepable to call sleepable kfunc bpf_arena_free_pages");
	/* v7.3 appends a structured report after the error line. */
	check("4: (85) call bpf_arena_free_pages#72211\n"
	      "program must be sleepable to call sleepable kfunc bpf_arena_free_pages\n"
	      "\n"
	      "Verification failed: Execution Context Safety: Operation is not allowed in this context\n"
	      "Reason:\n"
	      "  sleepable kfunc in a non-sleepable program\n"
	      "At:\n"
	      "  conform_case_xdp @ net.bpf.c:12:1\n"
	      ">>> 4: (85) call bpf_arena_free_pages#72211\n"
	      "Suggestion:\n"
	      "  load the program with BPF_F_SLEEPABLE\n"
	      "processed 4 insns (limit 1000000) max_states_per_insn 0\n",
	      "program must be sleepable to call sleepable kfunc bpf_arena_free_pages");
	check("Verification failed: Policy: Operation is not allowed\n", "");
	check("bpf_fentry_test2 is not sleepable\n"
	      "processed 0 insns (limit 1000000)\n"
	      "verification time 12 usec\n"
	      "stack depth 0\n\n\n",
	      "bpf_fentry_test2 is not sleepable");
	return unit_done("test_decisive");
}
