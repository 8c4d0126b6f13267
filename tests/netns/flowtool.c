// SPDX-License-Identifier: GPL-2.0-only
/* The integration tests' traffic: sequenced UDP datagrams with a checkable
 * payload, a receiver that counts loss, duplicates, reordering and
 * corruption, a TCP echo pair, probes (TTL 1, DF, a SYN), a recorder for
 * sd_notify messages, an HTTP client that never finishes its headers, and the
 * tests' own answer to what a BPF map update needs. Every loop is bounded by
 * a count and a deadline. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <time.h>
#include <unistd.h>

#define MAGIC	    0x56585046U /* "VXPF" */
#define PAYLOAD_MAX 8192	/* beyond a 1500 MTU: datagrams the kernel fragments */
#define SEQ_MAX	    2000000

struct hdr {
	uint32_t magic;
	uint32_t seq;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
	fprintf(stderr, "flowtool: %s: %s\n", what, strerror(errno));
	return 2;
}

static int parse_addr(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	sa->sin_port = htons((uint16_t)atoi(colon + 1));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static uint8_t pattern(uint32_t seq, size_t i)
{
	return (uint8_t)(seq * 31 + i * 7);
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGTERM and SIGINT set stop, and interrupt a blocking call */
static void catch_term(void)
{
	struct sigaction sa = { .sa_handler = on_term };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* send DST:PORT COUNT RATE SIZE [SRCPORT]: COUNT datagrams, or fewer when
 * SIGTERM comes first; says how many */
static int cmd_send(int argc, char **argv)
{
	struct sockaddr_in dst, src = { .sin_family = AF_INET };
	unsigned count, rate, size, seq;
	uint8_t buf[PAYLOAD_MAX];
	struct hdr *h = (void *)buf;
	double start;
	int fd;
	size_t i;

	if (argc < 6 || parse_addr(argv[2], &dst))
		return fprintf(stderr, "usage: send DST:PORT COUNT RATE SIZE [SRCPORT]\n"), 64;
	count = (unsigned)atoi(argv[3]);
	rate = (unsigned)atoi(argv[4]);
	size = (unsigned)atoi(argv[5]);
	if (size < sizeof(*h) || size > PAYLOAD_MAX || !rate || count > SEQ_MAX)
		return fprintf(stderr, "flowtool: bad count, rate or size\n"), 64;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return die("socket");
	if (argc > 6) {
		src.sin_port = htons((uint16_t)atoi(argv[6]));
		if (bind(fd, (void *)&src, sizeof(src)))
			return die("bind");
	}
	catch_term();
	start = now();
	for (seq = 0; seq < count && !stop; seq++) {
		double due = start + (double)seq / rate, wait = due - now();

		if (wait > 0)
			usleep((useconds_t)(wait * 1e6));
		h->magic = htonl(MAGIC);
		h->seq = htonl(seq);
		for (i = sizeof(*h); i < size; i++)
			buf[i] = pattern(seq, i);
		if (sendto(fd, buf, size, 0, (void *)&dst, sizeof(dst)) < 0 && errno != ENOBUFS)
			return die("sendto");
	}
	printf("sent %u datagrams in %.2f s\n", seq, now() - start);
	return 0;
}

struct tally {
	unsigned received, dup, reordered, corrupt, foreign;
	long last;
	uint8_t *seen;
};

static void tally_one(struct tally *t, const uint8_t *buf, ssize_t n, FILE *seqs)
{
	const struct hdr *h = (const void *)buf;
	uint32_t seq;
	ssize_t i;

	if (n < (ssize_t)sizeof(*h) || ntohl(h->magic) != MAGIC || ntohl(h->seq) >= SEQ_MAX) {
		t->foreign++;
		return;
	}
	seq = ntohl(h->seq);
	for (i = sizeof(*h); i < n; i++)
		if (buf[i] != pattern(seq, (size_t)i)) {
			t->corrupt++;
			return;
		}
	if (t->seen[seq]++) {
		t->dup++;
		return;
	}
	if ((long)seq < t->last)
		t->reordered++;
	t->last = seq;
	t->received++;
	if (seqs)
		fprintf(seqs, "%u\n", seq);
}

/* recv ADDR:PORT COUNT TIMEOUT [SEQFILE]: until COUNT arrived, TIMEOUT
 * passed, or 3 s went by without a datagram after the first; exits 0 when
 * COUNT arrived whole, each once and in order. SEQFILE gets each sequence
 * number as it comes, a line each. */
static int cmd_recv(int argc, char **argv)
{
	struct tally t = { .last = -1 };
	struct sockaddr_in sa;
	uint8_t buf[PAYLOAD_MAX];
	unsigned count;
	double deadline, idle;
	FILE *seqs = NULL;
	int fd, rcvbuf = 16 << 20;

	if (argc < 5 || parse_addr(argv[2], &sa))
		return fprintf(stderr, "usage: recv ADDR:PORT COUNT TIMEOUT [SEQFILE]\n"), 64;
	count = (unsigned)atoi(argv[3]);
	deadline = now() + atof(argv[4]);
	t.seen = calloc(SEQ_MAX, 1);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	/* a receiver that loses the CPU for a moment must not lose datagrams
	 * the pipeline delivered: room for seconds of them */
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (fd < 0 || !t.seen || bind(fd, (void *)&sa, sizeof(sa)))
		return die("bind");
	if (argc > 5 && !(seqs = fopen(argv[5], "w")))
		return die(argv[5]);
	if (seqs)
		setvbuf(seqs, NULL, _IOLBF, 0);
	printf("listening\n");
	fflush(stdout);
	idle = 0; /* no idle limit before the first datagram: the deadline holds */
	while (t.received < count && now() < deadline && (!idle || now() - idle < 3.0)) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return die("recv");
		tally_one(&t, buf, n, seqs);
		idle = now();
	}
	if (seqs)
		fclose(seqs);
	printf("received %u of %u: lost %u, duplicated %u, reordered %u, corrupt %u, foreign %u\n",
	       t.received, count, count > t.received ? count - t.received : 0, t.dup, t.reordered,
	       t.corrupt, t.foreign);
	return t.received == count && !t.dup && !t.reordered && !t.corrupt ? 0 : 1;
}

/* split FILE_A FILE_B COUNT: each of 0..COUNT-1 in exactly one file, A's all
 * before B's: a switch from one target to the other loses and mixes nothing */
static int cmd_split(int argc, char **argv)
{
	unsigned count, seq, n[2] = { 0, 0 }, max_a = 0, min_b = SEQ_MAX, missing = 0, twice = 0;
	uint8_t *seen;
	int i;

	if (argc < 5)
		return fprintf(stderr, "usage: split FILE_A FILE_B COUNT\n"), 64;
	count = (unsigned)atoi(argv[4]);
	seen = calloc(SEQ_MAX, 1);
	for (i = 0; i < 2 && seen; i++) {
		FILE *f = fopen(argv[2 + i], "r");

		if (!f)
			return die(argv[2 + i]);
		while (fscanf(f, "%u", &seq) == 1 && seq < SEQ_MAX) {
			twice += seen[seq]++ > 0;
			n[i]++;
			if (!i && seq > max_a)
				max_a = seq;
			if (i && seq < min_b)
				min_b = seq;
		}
		fclose(f);
	}
	for (seq = 0; seen && seq < count; seq++)
		missing += !seen[seq];
	printf("first target %u, second %u, missing %u, twice %u, last of first %u, first of "
	       "second %u\n",
	       n[0], n[1], missing, twice, max_a, min_b);
	return !missing && !twice && n[0] && n[1] && max_a < min_b ? 0 : 1;
}

/* tcp-echo ADDR:PORT SECONDS: echoes one connection until it closes; says
 * "connected" once it has it */
static int cmd_tcp_echo(int argc, char **argv)
{
	struct sockaddr_in sa;
	char buf[512];
	int fd, c, one = 1;
	double deadline;
	ssize_t n;

	if (argc < 4 || parse_addr(argv[2], &sa))
		return fprintf(stderr, "usage: tcp-echo ADDR:PORT SECONDS\n"), 64;
	deadline = now() + atof(argv[3]);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (void *)&sa, sizeof(sa)) || listen(fd, 1))
		return die("listen");
	printf("listening\n");
	fflush(stdout);
	c = accept(fd, NULL, NULL);
	if (c < 0)
		return die("accept");
	printf("connected\n");
	fflush(stdout);
	while (now() < deadline && (n = read(c, buf, sizeof(buf))) > 0)
		if (write(c, buf, (size_t)n) != n)
			return die("write");
	return 0;
}

/* Reads len bytes, or what came by the deadline. */
static size_t echo_read(int fd, char *buf, size_t len, double deadline)
{
	size_t got = 0;
	ssize_t n;

	while (got < len && now() < deadline) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (poll(&p, 1, 100) <= 0)
			continue; /* nothing yet, or a signal: the deadline decides */
		n = read(fd, buf + got, len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* tcp-check ADDR:PORT SECONDS: a line every 20 ms until SIGTERM or SECONDS,
 * each to come back whole (waited for 30 s at most: a broken connection
 * fails, a slow one does not); "lines N" every 25 lines, and at the end the
 * count, the failures and the slowest round trip */
static int cmd_tcp_check(int argc, char **argv)
{
	unsigned sent = 0, bad = 0;
	struct sockaddr_in sa;
	double end, slowest = 0;
	int fd;

	if (argc < 4 || parse_addr(argv[2], &sa))
		return fprintf(stderr, "usage: tcp-check ADDR:PORT SECONDS\n"), 64;
	catch_term();
	signal(SIGPIPE, SIG_IGN); /* a broken connection is a failed line, said so */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (void *)&sa, sizeof(sa)))
		return die("connect");
	end = now() + atof(argv[3]);
	while (!stop && now() < end) {
		char line[32], back[32];
		int len = snprintf(line, sizeof(line), "%u\n", sent++);
		double t0 = now();

		if (write(fd, line, (size_t)len) != len)
			return printf("tcp: write failed after %u lines: %s\n", sent,
				      strerror(errno)),
			       1;
		if (echo_read(fd, back, (size_t)len, t0 + 30) != (size_t)len ||
		    memcmp(line, back, (size_t)len))
			bad++;
		else if (now() - t0 > slowest)
			slowest = now() - t0;
		if (sent % 25 == 0)
			printf("lines %u\n", sent);
		usleep(20000);
	}
	printf("tcp: %u lines echoed, %u failed; slowest round trip %.1f ms\n", sent - bad, bad,
	       slowest * 1e3);
	return bad || !sent ? 1 : 0;
}

/* One slow request: the request line, then a header line every interval,
 * never the blank line that ends them. 1 once the server cut it (closed it,
 * reset it or answered), 0 at the end, -1 when it could not connect. */
static int slow_request(const struct sockaddr_in *src, const struct sockaddr_in *dst,
			double interval, double end)
{
	static const char req[] = "GET /healthz HTTP/1.1\r\nHost: dut\r\n";
	struct timeval tv = { 2, 0 }; /* connect() gives up after 2 s */
	int fd = socket(AF_INET, SOCK_STREAM, 0), cut = 0, len;
	unsigned i = 0;
	char line[64];

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (bind(fd, (const void *)src, sizeof(*src)) ||
	    connect(fd, (const void *)dst, sizeof(*dst))) {
		close(fd);
		return -1;
	}
	printf("connected\n");
	cut = send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)sizeof(req) - 1;
	while (!cut && !stop && now() < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		double next = now() + interval;

		while (!cut && !stop && now() < next && now() < end)
			cut = poll(&p, 1, 100) > 0; /* readable: an answer, or closed */
		len = snprintf(line, sizeof(line), "X-Slow-%u: y\r\n", i++);
		if (!cut && !stop && now() < end)
			cut = send(fd, line, (size_t)len, MSG_NOSIGNAL) != len;
	}
	close(fd);
	return cut;
}

/* slow-client SRC DST:PORT INTERVAL_MS SECONDS: from address SRC, a request
 * whose headers never end, a line every INTERVAL_MS; again whenever the
 * server cuts it ("cut" each time), until SIGTERM or SECONDS; at the end
 * the count of connections and of cuts */
static int cmd_slow_client(int argc, char **argv)
{
	unsigned conns = 0, cuts = 0, failed = 0;
	struct sockaddr_in src, dst;
	double end, interval;
	int r;

	if (argc < 6 || parse_addr(argv[3], &dst) ||
	    inet_pton(AF_INET, argv[2], &src.sin_addr) != 1)
		return fprintf(stderr, "usage: slow-client SRC DST:PORT INTERVAL_MS SECONDS\n"), 64;
	src.sin_family = AF_INET;
	src.sin_port = 0;
	catch_term();
	interval = atof(argv[4]) / 1e3;
	end = now() + atof(argv[5]);
	while (!stop && now() < end && conns + failed < 10000) {
		r = slow_request(&src, &dst, interval, end);
		if (r < 0) {
			failed++;
			usleep(100000);
			continue;
		}
		conns++;
		if (r > 0) {
			cuts++;
			printf("cut\n");
		}
	}
	printf("slow-client: %u connections, %u cut, %u failed to connect\n", conns, cuts, failed);
	return 0;
}

/* notify-listen PATH OUTFILE: each sd_notify datagram as one line, its
 * newlines as '|', until SIGTERM or 120 s */
static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With FLOWTOOL_STAMP=FILE in the environment, each line also goes to FILE
 * after the CLOCK_REALTIME second it came at (what date +%s.%N reads). */
static int cmd_notify(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *stamp = getenv("FLOWTOOL_STAMP");
	FILE *stamped = stamp ? fopen(stamp, "w") : NULL;
	char buf[4096];
	double end = now() + 120;
	FILE *out;
	int fd;

	if (argc < 4)
		return fprintf(stderr, "usage: notify-listen PATH OUTFILE\n"), 64;
	signal(SIGTERM, on_term);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[2]);
	unlink(argv[2]);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	out = fopen(argv[3], "w");
	/* as systemd's own: a daemon that changed user must still reach it */
	if (fd < 0 || !out || bind(fd, (void *)&sa, sizeof(sa)) || chmod(argv[2], 0777))
		return die("notify socket");
	while (!stop && now() < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n, i;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		for (i = 0; i < n; i++)
			if (buf[i] == '\n')
				buf[i] = '|';
		fprintf(out, "%.*s\n", (int)n, buf);
		if (stamped) /* when it came, for make bench's reload times */
			fprintf(stamped, "%.6f %.*s\n", wall_now(), (int)n, buf);
		fflush(out);
		if (stamped)
			fflush(stamped);
	}
	fclose(out);
	if (stamped)
		fclose(stamped);
	return 0;
}

/* One probe the way a host that is being mirrored might send it: UDP
 * ("udp"), UDP with TTL 1 ("ttl1"), UDP of SIZE payload bytes with DF set
 * whatever the path MTU says ("df:SIZE"), or a TCP SYN ("tcp"). */
static int probe_one(const struct sockaddr_in *to, const char *kind)
{
	static char buf[PAYLOAD_MAX];
	int fd, one = 1, v;
	size_t len = 16;

	fd = socket(AF_INET, (!strcmp(kind, "tcp") ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (!strcmp(kind, "ttl1"))
		setsockopt(fd, IPPROTO_IP, IP_TTL, &one, sizeof(one));
	if (!strncmp(kind, "df:", 3)) {
		v = IP_PMTUDISC_PROBE;
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
		len = (size_t)atoi(kind + 3);
		len = len > sizeof(buf) ? sizeof(buf) : len;
	}
	if (!strcmp(kind, "tcp"))
		connect(fd, (const struct sockaddr *)to, sizeof(*to)); /* the SYN */
	else
		sendto(fd, buf, len, 0, (const struct sockaddr *)to, sizeof(*to));
	poll(NULL, 0, 100);
	close(fd);
	return 0;
}

/* probe ADDR:PORT KIND COUNT: COUNT probes 100 ms apart; answers are not
 * read (the test looks for them on the wire). */
static int cmd_probe(int argc, char **argv)
{
	struct sockaddr_in to;
	int i, count;

	if (argc != 5 || parse_addr(argv[2], &to))
		return 64;
	count = atoi(argv[4]);
	for (i = 0; i < count && i < 100; i++)
		if (probe_one(&to, argv[3]))
			return die("probe");
	return 0;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* bpf-caps: what updating a map through an fd opened beforehand needs on this
 * kernel, found by doing it: "none" when it works with every capability
 * dropped, "CAP_BPF" when that is refused. Written apart from the daemon's
 * own probe, so the tests can hold the daemon to it. */
static int cmd_bpf_caps(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = { { 0 } };
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1
	};
	uint32_t key = 0, value = 42;
	int fd;

	(void)argc;
	(void)argv;
	fd = sys_bpf(BPF_MAP_CREATE, &attr);
	if (fd < 0)
		return die("creating a map (needs root)");
	if (syscall(SYS_capset, &hdr, none))
		return die("dropping every capability");
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)&value;
	if (!sys_bpf(BPF_MAP_UPDATE_ELEM, &attr)) {
		printf("none\n");
		return 0;
	}
	if (errno != EPERM)
		return die("updating the map");
	printf("CAP_BPF\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "send", cmd_send },
		{ "recv", cmd_recv },
		{ "split", cmd_split },
		{ "tcp-echo", cmd_tcp_echo },
		{ "tcp-check", cmd_tcp_check },
		{ "notify-listen", cmd_notify },
		{ "probe", cmd_probe },
		{ "slow-client", cmd_slow_client },
		{ "bpf-caps", cmd_bpf_caps },
	};
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc, argv);
	fprintf(stderr, "usage: flowtool send|recv|split|tcp-echo|tcp-check|notify-listen|probe|"
			"slow-client|bpf-caps ...\n");
	return 64;
}
