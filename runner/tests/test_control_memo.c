// SPDX-License-Identifier: GPL-2.0
/*
 * control_memo.c: two controls share an answer only if the kernel must
 * answer them alike. The Makefile builds copies of control_memo.c that
 * forget one part of the key (MEMO_MUTANTS); scripts/test.sh checks that
 * this test fails on each.
 */
#include "control_memo.h"
#include "unit.h"

static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};
static const struct bpf_insn ret1[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static struct control_key base(void)
{
	/* A copy of the instructions: the same program at another address. */
	static struct bpf_insn copy[2];

	memcpy(copy, ret0, sizeof(copy));
	return (struct control_key){
		.prog_type = BPF_PROG_TYPE_TRACING, .attach_type = BPF_TRACE_FENTRY,
		.attach_btf_id = 1234, .prog_flags = 0, .proto = 7,
		.license = "GPL", .insns = copy, .insn_cnt = 2,
	};
}

static void test_same(void)
{
	struct control_key a = base(), b = base();

	a.insns = ret0;
	CHECK(control_key_same(&a, &b), "the same program at another address");
	b.license = "Dual BSD/GPL";
	CHECK(!control_key_same(&a, &b), "another license");
	b = base();
	b.prog_type = BPF_PROG_TYPE_LSM;
	CHECK(!control_key_same(&a, &b), "another program type");
	b = base();
	b.attach_type = BPF_TRACE_FEXIT;
	CHECK(!control_key_same(&a, &b), "another attach type");
	b = base();
	b.attach_btf_id = 1235;
	CHECK(!control_key_same(&a, &b), "another attach target");
	b = base();
	b.prog_flags = BPF_F_XDP_HAS_FRAGS;
	CHECK(!control_key_same(&a, &b), "other flags");
	b = base();
	b.proto = 8;
	CHECK(!control_key_same(&a, &b), "another prototype");
	b = base();
	b.insns = ret1;
	CHECK(!control_key_same(&a, &b), "other instructions");
	b = base();
	b.insn_cnt = 1;
	CHECK(!control_key_same(&a, &b), "fewer instructions");
}

static void test_memo(void)
{
	struct control_key a = base(), b = base();
	struct load_result res = { .err = 1, .message = "refused" }, got = { 0 };
	bool loads = true;

	CHECK(!control_memo_get(&a, &loads, &got), "nothing remembered yet");
	control_memo_put(&a, false, &res);
	CHECK(control_memo_get(&b, &loads, &got) && !loads && got.err == 1 &&
	      !strcmp(got.message, "refused"), "the answer of an identical control");
	res.err = 0;
	control_memo_put(&b, true, &res);
	CHECK(control_memo_get(&b, &loads, &got) && !loads,
	      "the first answer stays");
	b.attach_btf_id = 99;
	CHECK(!control_memo_get(&b, &loads, &got), "not another target's answer");
}

int main(void)
{
	test_same();
	test_memo();
	return unit_done("test_control_memo");
}
