// SPDX-License-Identifier: GPL-2.0
/* Kernel version parsing and range matching. */
#include "unit.h"
#include "version.h"

static void test_release(const char *release, unsigned int want)
{
	unsigned int v = 0;
	int ret = kver_parse_release(release, &v);

	CHECK(!ret && v == want, "%s: ret %d, 0x%x != 0x%x", release, ret, v, want);
}

static void test_range(const char *text, const char *version, int want)
{
	struct krange r;
	unsigned int v;

	CHECK(!krange_parse(text, &r), "range %s", text);
	CHECK(!kver_parse(version, &v), "version %s", version);
	CHECK(krange_contains(&r, v) == want, "%s in %s should be %d", version,
	      text, want);
}

int main(void)
{
	static const char *const bad_ranges[] = {
		"", "6", ">=", "<", "6.9..", "..<7.0", "7.0..<6.9", "6.9..<6.9",
		">6.9", "<=7.0", "6.9-7.0", ">=6.9x", "6.9..<7.0.1.2", "<0.0",
		">=256.0", "a.b",
	};
	static const char *const bad_releases[] = { "", "6", "x6.1", ".6.1", "6.", "-6.1" };
	unsigned int v;
	char buf[16];

	test_release("6.18.44-fc-v669", kver(6, 18, 44));
	test_release("6.18.44-fc", kver(6, 18, 44));
	test_release("6.12.117+deb12-cloud-amd64", kver(6, 12, 117));
	test_release("7.0.0-rc3+", kver(7, 0, 0));
	test_release("7.0-rc3", kver(7, 0, 0));
	test_release("6.8.0-45-generic", kver(6, 8, 0));
	test_release("6.11.4-301.fc41.x86_64", kver(6, 11, 4));
	test_release("6.1.0-37-cloud-amd64", kver(6, 1, 0));
	test_release("5.15.300", kver(5, 15, 255));	/* patch saturates */
	test_release("6.9", kver(6, 9, 0));
	for (size_t i = 0; i < sizeof(bad_releases) / sizeof(*bad_releases); i++)
		CHECK(kver_parse_release(bad_releases[i], &v), "'%s' accepted",
		      bad_releases[i]);

	CHECK(kver_parse("6.9.1-rc1", &v), "strict parse took a suffix");
	CHECK(!kver_parse("6.9", &v) && v == kver(6, 9, 0), "6.9");
	kver_format(kver(7, 1, 3), buf, sizeof(buf));
	CHECK_STR(buf, "7.1.3");

	test_range("*", "6.1", 1);
	test_range("<6.9", "6.8.12", 1);
	test_range("<6.9", "6.9", 0);
	test_range(">=6.9", "6.9", 1);
	test_range(">=6.9", "6.8.255", 0);
	test_range("6.9..<7.0", "6.19.3", 1);
	test_range("6.9..<7.0", "7.0", 0);
	test_range("6.9..<7.0", "6.9.0", 1);
	test_range("7.1.5..<7.2", "7.1.4", 0);
	test_range("7.1.5..<7.2", "7.1.5", 1);
	for (size_t i = 0; i < sizeof(bad_ranges) / sizeof(*bad_ranges); i++) {
		struct krange r;

		CHECK(krange_parse(bad_ranges[i], &r), "range '%s' accepted",
		      bad_ranges[i]);
	}
	return unit_done("test_version");
}
