// SPDX-License-Identifier: GPL-2.0-only
/* The console's pty: what the guest writes comes out, what is typed goes in. */
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"

#include "kselftest_harness.h"

FIXTURE(pty) {
	struct console con;
	int user;		/* someone attached to the pty */
};

FIXTURE_SETUP(pty)
{
	int probe = posix_openpt(O_RDWR | O_NOCTTY);

	if (probe < 0)
		SKIP(return, "no ptys here");
	close(probe);
	ASSERT_EQ(0, console_open(&self->con, CONSOLE_PTY));
	self->user = open(self->con.pty_path, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, self->user);
}

FIXTURE_TEARDOWN(pty)
{
	if (self->user > 0)
		close(self->user);
	console_close(&self->con);
}

static int wait_byte(struct console *con, uint8_t *byte)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (console_read(con, byte))
			return 1;
		usleep(5000);
	}
	return 0;
}

TEST_F(pty, the_line_is_raw)
{
	struct termios tio;

	ASSERT_EQ(0, tcgetattr(self->user, &tio));
	EXPECT_EQ(0u, tio.c_lflag & (ICANON | ECHO | ISIG));
	EXPECT_EQ(0u, tio.c_oflag & OPOST);
}

TEST_F(pty, typed_bytes_are_read_one_at_a_time)
{
	uint8_t b = 0;

	EXPECT_EQ(0, console_read(&self->con, &b));
	ASSERT_EQ(3, write(self->user, "a\nb", 3));
	ASSERT_EQ(1, wait_byte(&self->con, &b));
	EXPECT_EQ('a', b);
	ASSERT_EQ(1, wait_byte(&self->con, &b));
	EXPECT_EQ('\n', b);
	ASSERT_EQ(1, wait_byte(&self->con, &b));
	EXPECT_EQ('b', b);
	EXPECT_EQ(0, console_read(&self->con, &b));
}

TEST_F(pty, output_arrives_unchanged)
{
	struct pollfd pfd = { .fd = self->user, .events = POLLIN };
	char buf[16] = "";

	console_write(&self->con, "out\n", 4);
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(4, read(self->user, buf, sizeof(buf) - 1));
	EXPECT_STREQ("out\n", buf);
}

TEST_F(pty, output_nobody_reads_is_dropped_not_blocking)
{
	static char chunk[4096];
	int i;

	close(self->user);
	self->user = -1;
	/* Far more than a pty buffers: must return, not hang. */
	for (i = 0; i < 256; i++)
		console_write(&self->con, chunk, sizeof(chunk));
}

TEST_HARNESS_MAIN
