// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net: the --net syntax and its MACs, the offloads and header
 * checks for a driver's features, and the device behind the transport,
 * driven as a guest driver would, with a SOCK_SEQPACKET socket pair in
 * place of the tap (one frame with its header per record, as a tap
 * reads and writes them): frames out, frames in when buffers come,
 * drops, malformed chains, the link going down, and a save refused
 * (a socket is no tap a target could attach again).
 * The last tests make a real tap where this host lets them, and check
 * what an unprivileged user is told.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "devices/devices.h"
#include "devices/pc.h"
#include "machine.h"
#include "snapshot.h"
#include "tap.h"
#include "virtio_driver.h"

#include "kselftest_harness.h"

#define MEM		(1ull << 20)
#define BASE		VIRTIO_MMIO_BASE
#define QSIZE		8
#define RXQ		0
#define TXQ		1
#define QUEUES		0x1000		/* queue q's rings from here + q * 0x800 */
#define BUF		0x10000		/* buffers */
#define VNET_HDR		12
#define WAIT_MS		2000

static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

TEST(spec_names_a_tap_and_an_optional_mac)
{
	static const char *const bad[] = {
		"tap0", "tap:", "tap:a/b", "tap:a b", "tap:..", "tap:0123456789abcdef",
		"tap:x,mac=01:00:00:00:00:01", "tap:x,mac=00:00:00:00:00:00",
		"tap:x,mac=02:00:00:00:00", "tap:x,mac=02-00-00-00-00-01",
		"tap:x,mac=02:00:00:00:00:0g", "tap:x,foo=1", "tap:x,",
	};
	struct net_spec a, b;
	char err[256];
	size_t i;

	ASSERT_EQ(0, net_spec_parse("tap:tap0", &a, err, sizeof(err)));
	EXPECT_STREQ("tap0", a.ifname);
	/* Locally administered, unicast, and the same each time. */
	EXPECT_EQ(0x02, a.mac[0]);
	ASSERT_EQ(0, net_spec_parse("tap:tap0", &b, err, sizeof(err)));
	EXPECT_EQ(0, memcmp(a.mac, b.mac, 6));
	ASSERT_EQ(0, net_spec_parse("tap:tap1", &b, err, sizeof(err)));
	EXPECT_NE(0, memcmp(a.mac, b.mac, 6));

	ASSERT_EQ(0, net_spec_parse("tap:012345678901234,mac=02:AA:bb:00:00:01",
				    &a, err, sizeof(err)));
	EXPECT_STREQ("012345678901234", a.ifname);
	EXPECT_EQ(0, memcmp(a.mac, (uint8_t[]){ 2, 0xaa, 0xbb, 0, 0, 1 }, 6));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		EXPECT_EQ(-1, net_spec_parse(bad[i], &a, err, sizeof(err)))
			TH_LOG("%s was taken", bad[i]);
		EXPECT_NE('\0', err[0]);
	}
}

TEST(receive_offloads_follow_the_driver)
{
	uint64_t csum = 1ull << VIRTIO_NET_F_GUEST_CSUM;
	uint64_t tso = 1ull << VIRTIO_NET_F_GUEST_TSO4 | 1ull << VIRTIO_NET_F_GUEST_TSO6;

	EXPECT_EQ(0u, virtio_net_offloads(0));
	/* Segments whose sums nobody completes: never. */
	EXPECT_EQ(0u, virtio_net_offloads(tso));
	EXPECT_EQ((unsigned int)TUN_F_CSUM, virtio_net_offloads(csum));
	EXPECT_EQ((unsigned int)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6),
		  virtio_net_offloads(csum | tso));
	EXPECT_EQ((unsigned int)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN),
		  virtio_net_offloads(csum | tso | 1ull << VIRTIO_NET_F_GUEST_ECN));
	EXPECT_EQ((unsigned int)TUN_F_CSUM,
		  virtio_net_offloads(csum | 1ull << VIRTIO_NET_F_GUEST_ECN));
}

TEST(headers_must_keep_to_the_features)
{
	uint64_t csum = 1ull << VIRTIO_NET_F_CSUM;
	uint64_t tso4 = csum | 1ull << VIRTIO_NET_F_HOST_TSO4;
	uint64_t gcsum = 1ull << VIRTIO_NET_F_GUEST_CSUM;
	struct virtio_net_hdr_v1 h = { 0 };

	EXPECT_TRUE(virtio_net_tx_header_ok(&h, 0));
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	EXPECT_FALSE(virtio_net_tx_header_ok(&h, 0));
	EXPECT_TRUE(virtio_net_tx_header_ok(&h, csum));
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	EXPECT_FALSE(virtio_net_tx_header_ok(&h, csum));
	EXPECT_TRUE(virtio_net_tx_header_ok(&h, tso4));
	h.gso_type |= VIRTIO_NET_HDR_GSO_ECN;
	EXPECT_FALSE(virtio_net_tx_header_ok(&h, tso4));
	EXPECT_TRUE(virtio_net_tx_header_ok(&h, tso4 | 1ull << VIRTIO_NET_F_HOST_ECN));
	h.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	EXPECT_FALSE(virtio_net_tx_header_ok(&h, ~0ull));
	h = (struct virtio_net_hdr_v1){ .flags = VIRTIO_NET_HDR_F_DATA_VALID };
	EXPECT_FALSE(virtio_net_tx_header_ok(&h, ~0ull));

	/* Received: DATA_VALID is a hint a driver without GUEST_CSUM loses. */
	EXPECT_TRUE(virtio_net_rx_header_fix(&h, 0));
	EXPECT_EQ(0, h.flags);
	EXPECT_EQ(1, h.num_buffers);
	h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	EXPECT_TRUE(virtio_net_rx_header_fix(&h, gcsum));
	EXPECT_EQ(VIRTIO_NET_HDR_F_DATA_VALID, h.flags);
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	EXPECT_FALSE(virtio_net_rx_header_fix(&h, 0));
	EXPECT_TRUE(virtio_net_rx_header_fix(&h, gcsum));
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	EXPECT_FALSE(virtio_net_rx_header_fix(&h, gcsum | 1ull << VIRTIO_NET_F_GUEST_TSO4));
	EXPECT_TRUE(virtio_net_rx_header_fix(&h, gcsum | 1ull << VIRTIO_NET_F_GUEST_TSO6));
	h.flags = 4;				/* RSC_INFO: never negotiated */
	h.gso_type = 0;
	EXPECT_FALSE(virtio_net_rx_header_fix(&h, ~0ull));
}

FIXTURE(vnet) {
	struct vm_config cfg;
	struct machine m;
	int peer;		/* the tap's side */
	uint16_t posted[2];	/* chains made available per queue */
};

FIXTURE_SETUP(vnet)
{
	int sv[2];

	memset(&self->cfg, 0, sizeof(self->cfg));
	ASSERT_EQ(0, vdrv_machine(&self->m, &self->cfg, MEM));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	ASSERT_EQ(0, fcntl(sv[0], F_SETFL, O_NONBLOCK));
	self->peer = sv[1];
	self->posted[0] = self->posted[1] = 0;
	/* There is no VM: raising the pin fails and says so. */
	freopen("/dev/null", "w", stderr);
	ASSERT_EQ(0, virtio_net_attach_fd(&self->m, sv[0], false, "test", mac,
					  BASE, 16));
}

FIXTURE_TEARDOWN(vnet)
{
	machine_destroy(&self->m);
	if (self->peer >= 0)
		close(self->peer);
}

static uint32_t rd(struct _test_data_vnet *self, uint64_t reg)
{
	return vdrv_rd(&self->m, BASE, reg);
}

static uint8_t *at(struct _test_data_vnet *self, uint64_t gpa)
{
	return self->m.mem.host + gpa;
}

static uint64_t ring(unsigned int q, unsigned int part)
{
	return QUEUES + q * 0x800 + part * 0x200;	/* desc, avail, used */
}

/* Take features (VERSION_1 besides) and set both queues up. */
static void driver_init(struct _test_data_vnet *self, uint32_t features)
{
	unsigned int q;

	vdrv_wr(&self->m, BASE, 0x070, 1 | 2);
	vdrv_wr(&self->m, BASE, 0x024, 0);
	vdrv_wr(&self->m, BASE, 0x020, features);
	vdrv_wr(&self->m, BASE, 0x024, 1);
	vdrv_wr(&self->m, BASE, 0x020, 1);
	vdrv_wr(&self->m, BASE, 0x070, 1 | 2 | 8);
	for (q = 0; q < 2; q++) {
		vdrv_wr(&self->m, BASE, 0x030, q);
		vdrv_wr(&self->m, BASE, 0x038, QSIZE);
		vdrv_wr(&self->m, BASE, 0x080, ring(q, 0));
		vdrv_wr(&self->m, BASE, 0x090, ring(q, 1));
		vdrv_wr(&self->m, BASE, 0x0a0, ring(q, 2));
		vdrv_wr(&self->m, BASE, 0x044, 1);
	}
	vdrv_wr(&self->m, BASE, 0x070, 1 | 2 | 4 | 8);
}

/* Make the chain at head available on queue q and kick. */
static void post(struct _test_data_vnet *self, unsigned int q, uint16_t head)
{
	uint16_t n = self->posted[q]++, idx = n + 1;

	memcpy(at(self, ring(q, 1) + 4 + 2 * (n % QSIZE)), &head, 2);
	__atomic_store_n((uint16_t *)at(self, ring(q, 1) + 2), idx, __ATOMIC_RELEASE);
	vdrv_wr(&self->m, BASE, 0x050, q);
}

static uint16_t used_idx(struct _test_data_vnet *self, unsigned int q)
{
	return __atomic_load_n((uint16_t *)at(self, ring(q, 2) + 2), __ATOMIC_ACQUIRE);
}

/* Used entry n of queue q: its length. */
static uint32_t used_len(struct _test_data_vnet *self, unsigned int q,
			 unsigned int n)
{
	uint32_t len;

	memcpy(&len, at(self, ring(q, 2) + 4 + 8 * (n % QSIZE) + 4), 4);
	return len;
}

/* Wait (for the receive thread) until queue q has used n chains. */
static bool wait_used(struct _test_data_vnet *self, unsigned int q, uint16_t n)
{
	int i;

	for (i = 0; i < WAIT_MS / 5 && used_idx(self, q) != n; i++)
		usleep(5000);
	return used_idx(self, q) == n;
}

/* Post one writable receive buffer of len bytes at gpa. */
static void post_rx(struct _test_data_vnet *self, uint64_t gpa, uint32_t len)
{
	unsigned int i = self->posted[RXQ] % QSIZE;

	vdrv_desc(&self->m, ring(RXQ, 0), i, gpa, len, 2, 0);
	post(self, RXQ, i);
}

/* A frame of len bytes of fill from the peer, after a zero header. */
static bool send_frame(struct _test_data_vnet *self, uint8_t fill, size_t len)
{
	uint8_t f[VNET_HDR + 256] = { 0 };

	memset(f + VNET_HDR, fill, len);
	return send(self->peer, f, VNET_HDR + len, 0) == (ssize_t)(VNET_HDR + len);
}

TEST_F(vnet, registers_say_network_card_with_mac_and_link_up)
{
	uint64_t f;

	EXPECT_EQ(1u, rd(self, 0x008));
	f = rd(self, 0x010);
	vdrv_wr(&self->m, BASE, 0x014, 1);
	f |= (uint64_t)rd(self, 0x010) << 32;
	EXPECT_TRUE((bool)(f >> VIRTIO_NET_F_MAC & 1));
	EXPECT_TRUE((bool)(f >> VIRTIO_NET_F_STATUS & 1));
	EXPECT_TRUE((bool)(f >> VIRTIO_NET_F_CSUM & 1));
	EXPECT_TRUE((bool)(f >> 32 & 1));		/* VERSION_1 */
	EXPECT_FALSE((bool)(f >> VIRTIO_NET_F_CTRL_VQ & 1));
	EXPECT_FALSE((bool)(f >> VIRTIO_NET_F_MRG_RXBUF & 1));
	EXPECT_EQ(256u, rd(self, 0x034));
	EXPECT_EQ(0x33221102u, bus_read(&self->m.bus, BUS_MMIO, BASE + 0x100, 4));
	EXPECT_EQ(0x5544u, bus_read(&self->m.bus, BUS_MMIO, BASE + 0x104, 2));
	EXPECT_EQ(1u, bus_read(&self->m.bus, BUS_MMIO, BASE + 0x106, 2));
}

TEST_F(vnet, a_frame_goes_out_with_its_header)
{
	uint8_t got[256];

	driver_init(self, 1u << VIRTIO_NET_F_CSUM);
	memset(at(self, BUF), 0, VNET_HDR);
	at(self, BUF)[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	memset(at(self, BUF + 0x100), 0x5a, 60);
	vdrv_desc(&self->m, ring(TXQ, 0), 0, BUF, VNET_HDR, 1, 1);
	vdrv_desc(&self->m, ring(TXQ, 0), 1, BUF + 0x100, 60, 0, 0);
	post(self, TXQ, 0);
	EXPECT_EQ(1, used_idx(self, TXQ));
	EXPECT_EQ(1u, rd(self, 0x060) & 1);
	ASSERT_EQ(VNET_HDR + 60, recv(self->peer, got, sizeof(got), MSG_DONTWAIT));
	EXPECT_EQ(VIRTIO_NET_HDR_F_NEEDS_CSUM, got[0]);
	EXPECT_EQ(0x5a, got[VNET_HDR + 59]);
}

TEST_F(vnet, a_header_beyond_the_features_is_dropped)
{
	uint8_t got[256];

	driver_init(self, 0);
	memset(at(self, BUF), 0, VNET_HDR + 60);
	at(self, BUF)[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;	/* CSUM not taken */
	vdrv_desc(&self->m, ring(TXQ, 0), 0, BUF, VNET_HDR + 60, 0, 0);
	post(self, TXQ, 0);
	EXPECT_EQ(1, used_idx(self, TXQ));
	EXPECT_EQ(-1, recv(self->peer, got, sizeof(got), MSG_DONTWAIT));
	EXPECT_EQ(0u, rd(self, 0x070) & 64);	/* dropped, not broken */
}

TEST_F(vnet, frames_wait_for_buffers_then_arrive)
{
	uint16_t nb;

	driver_init(self, 0);
	ASSERT_TRUE(send_frame(self, 0xa1, 100));
	usleep(50 * 1000);
	EXPECT_EQ(0, used_idx(self, RXQ));
	memset(at(self, BUF), 0xff, 0x200);
	post_rx(self, BUF, 0x200);
	ASSERT_TRUE(wait_used(self, RXQ, 1));
	EXPECT_EQ(VNET_HDR + 100u, used_len(self, RXQ, 0));
	memcpy(&nb, at(self, BUF + 10), 2);
	EXPECT_EQ(1, nb);			/* num_buffers */
	EXPECT_EQ(0xa1, at(self, BUF + VNET_HDR + 99)[0]);
	EXPECT_EQ(1u, rd(self, 0x060) & 1);

	/* A buffer in two pieces, the header split across them. */
	vdrv_desc(&self->m, ring(RXQ, 0), 1, BUF + 0x400, 8, 2 | 1, 2);
	vdrv_desc(&self->m, ring(RXQ, 0), 2, BUF + 0x600, 0x100, 2, 0);
	self->posted[RXQ]++;			/* avail entry 1: head 1 */
	memcpy(at(self, ring(RXQ, 1) + 4 + 2), (uint16_t[]){ 1 }, 2);
	__atomic_store_n((uint16_t *)at(self, ring(RXQ, 1) + 2), 2, __ATOMIC_RELEASE);
	vdrv_wr(&self->m, BASE, 0x050, RXQ);
	ASSERT_TRUE(send_frame(self, 0xb2, 50));
	ASSERT_TRUE(wait_used(self, RXQ, 2));
	EXPECT_EQ(VNET_HDR + 50u, used_len(self, RXQ, 1));
	EXPECT_EQ(0xb2, at(self, BUF + 0x600 + VNET_HDR - 8 + 49)[0]);
}

TEST_F(vnet, a_frame_too_big_for_the_buffer_is_dropped_and_the_buffer_kept)
{
	driver_init(self, 0);
	post_rx(self, BUF, VNET_HDR + 64);
	ASSERT_TRUE(send_frame(self, 0xc3, 100));
	ASSERT_TRUE(send_frame(self, 0xd4, 64));
	ASSERT_TRUE(wait_used(self, RXQ, 1));
	EXPECT_EQ(VNET_HDR + 64u, used_len(self, RXQ, 0));
	EXPECT_EQ(0xd4, at(self, BUF + VNET_HDR)[0]);
}

/* used_event and avail_event trail the rings (2.6.7.2, 2.6.8.2). */
TEST_F(vnet, with_event_idx_kicks_and_interrupts_come_as_asked)
{
	uint16_t used_event = 1, avail_event;

	driver_init(self, 1u << 29);		/* VIRTIO_F_EVENT_IDX */
	memcpy(at(self, ring(TXQ, 1) + 4 + 2 * QSIZE), &used_event, 2);
	memset(at(self, BUF), 0, VNET_HDR + 60);
	vdrv_desc(&self->m, ring(TXQ, 0), 0, BUF, VNET_HDR + 60, 0, 0);
	vdrv_desc(&self->m, ring(TXQ, 0), 1, BUF, VNET_HDR + 60, 0, 0);
	post(self, TXQ, 0);
	EXPECT_EQ(1, used_idx(self, TXQ));
	EXPECT_EQ(0u, rd(self, 0x060));		/* used index 1 is not past 1 */
	memcpy(&avail_event, at(self, ring(TXQ, 2) + 4 + 8 * QSIZE), 2);
	EXPECT_EQ(1, avail_event);		/* kick me at the next one */
	post(self, TXQ, 1);
	EXPECT_EQ(2, used_idx(self, TXQ));
	EXPECT_EQ(1u, rd(self, 0x060));
	memcpy(&avail_event, at(self, ring(TXQ, 2) + 4 + 8 * QSIZE), 2);
	EXPECT_EQ(2, avail_event);
}

TEST_F(vnet, a_writable_transmit_buffer_breaks_the_device_until_reset)
{
	driver_init(self, 0);
	vdrv_desc(&self->m, ring(TXQ, 0), 0, BUF, VNET_HDR + 60, 2, 0);
	post(self, TXQ, 0);
	EXPECT_EQ(64u, rd(self, 0x070) & 64);	/* DEVICE_NEEDS_RESET */
	EXPECT_EQ(0, used_idx(self, TXQ));
	vdrv_wr(&self->m, BASE, 0x070, 0);
	EXPECT_EQ(0u, rd(self, 0x070));
}

TEST_F(vnet, a_receive_buffer_without_room_for_the_header_breaks_the_device)
{
	driver_init(self, 0);
	ASSERT_TRUE(send_frame(self, 0xe5, 20));
	post_rx(self, BUF, VNET_HDR - 1);
	usleep(50 * 1000);
	EXPECT_EQ(64u, rd(self, 0x070) & 64);
	EXPECT_EQ(0, used_idx(self, RXQ));
}

TEST_F(vnet, the_link_goes_down_when_the_tap_goes)
{
	int i;

	driver_init(self, 0);
	post_rx(self, BUF, 0x200);
	close(self->peer);
	self->peer = -1;
	for (i = 0; i < WAIT_MS / 5 && !(rd(self, 0x060) & 2); i++)
		usleep(5000);
	EXPECT_EQ(2u, rd(self, 0x060) & 2);	/* configuration change */
	EXPECT_EQ(0u, bus_read(&self->m.bus, BUS_MMIO, BASE + 0x106, 2));
	EXPECT_EQ(1u, rd(self, 0x0fc));		/* ConfigGeneration */
}

TEST_F(vnet, a_card_on_no_tap_cannot_be_saved)
{
	char err[256] = "";

	EXPECT_EQ(-1, snapshot_can_save(&self->m, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "virtio-net")) TH_LOG("%s", err);
}

/* Root, or CAP_NET_ADMIN, makes a tap that closing the descriptor removes. */
TEST(a_tap_is_made_on_demand_and_gone_when_closed)
{
	char name[16], path[64], err[256];
	int fd;

	snprintf(name, sizeof(name), "hspu%d", (int)getpid() % 100000);
	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	fd = tap_open(name, VNET_HDR, err, sizeof(err));
	if (fd < 0)
		SKIP(return, "%s", err);
	EXPECT_EQ(0, access(path, F_OK));
	EXPECT_EQ(0, tap_set_offloads(fd, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6));
	close(fd);
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_EQ(-1, tap_open("0123456789abcdefg", VNET_HDR, err, sizeof(err)));
}

/* Without CAP_NET_ADMIN (as nobody, if this runs as root): a clear refusal. */
TEST(an_unprivileged_user_is_told_what_a_tap_needs)
{
	char err[512] = "";
	int fds[2], st;
	pid_t pid;

	if (access("/dev/net/tun", R_OK | W_OK))
		SKIP(return, "/dev/net/tun: %s", strerror(errno));
	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char msg[512];
		int fd;

		if (!geteuid() && (setgid(65534) || setuid(65534)))
			_exit(2);
		fd = tap_open("hspu-denied", VNET_HDR, msg, sizeof(msg));
		if (fd >= 0)
			_exit(3);	/* CAP_NET_ADMIN without root */
		if (write(fds[1], msg, strlen(msg)) < 0)
			_exit(4);
		_exit(0);
	}
	close(fds[1]);
	ASSERT_LE(0, read(fds[0], err, sizeof(err) - 1));
	close(fds[0]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
		SKIP(return, "this user may make taps without root");
	ASSERT_EQ(0, WEXITSTATUS(st));
	EXPECT_NE(NULL, strstr(err, "CAP_NET_ADMIN")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "ip tuntap add dev hspu-denied mode tap user")) TH_LOG("%s", err);
}

TEST_HARNESS_MAIN
