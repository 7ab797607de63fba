# sixgate: plain Makefile.  Programs are src/NAME.c, library modules lib/*.c,
# unit tests t/unit/NAME.c, fuzz targets t/fuzz/NAME.c, test helpers t/bin/*.c.
# Adding a file in one of those folders needs no change here.
#
#   make                 build every program (gcc, -Werror)
#   make check           install missing packages, build, run every test
#   make check SANITIZE=1   the same under ASan+UBSan (separate build dir)
#   make fuzz            build libFuzzer targets (clang)
#   make run             install, build, start the demo chain on port 2525
#   make install PREFIX=/usr/local DESTDIR=

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
CFLAGS_BASE = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
              -Werror=implicit-function-declaration -O2 -g -Ilib
LIBS    = -lopendkim -lcrypto -lcdb -lcares

ifeq ($(SANITIZE),1)
B       = build/san
CFLAGS_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1
else
B       = build/std
CFLAGS_SAN =
endif
CFLAGS ?=
ALLCFLAGS = $(CFLAGS_BASE) $(CFLAGS_SAN) $(CFLAGS)
# Each program loads only the shared libraries it uses (start-up time of
# the programs exec'd per connection).
LDFLAGS ?=
LDFLAGS += -Wl,--as-needed

PROGS     = $(patsubst src/%.c,%,$(wildcard src/*.c))
# Programs exec'd once per connection that need neither NSS nor shared
# libraries are linked statically: the dynamic loader is most of their
# start-up cost (bench/jgreylist.sh).
STATIC_PROGS = jgreylist
LIBSRC    = $(wildcard lib/*.c)
LIBOBJ    = $(patsubst lib/%.c,$(B)/lib/%.o,$(LIBSRC))
UNITS     = $(patsubst t/unit/%.c,%,$(wildcard t/unit/*.c))
TBINS     = $(patsubst t/bin/%.c,%,$(wildcard t/bin/*.c))
BENCHBINS = $(patsubst bench/%.c,%,$(wildcard bench/*.c))
FUZZ      = $(patsubst t/fuzz/%.c,%,$(wildcard t/fuzz/*.c))
HDRS      = $(wildcard lib/*.h) $(wildcard t/unit/*.h)

all: $(addprefix $(B)/bin/,$(PROGS)) $(addprefix $(B)/t/,$(TBINS)) \
     $(addprefix $(B)/bench/,$(BENCHBINS)) bin

# bin/ always points at the build used last, so tests and scripts find it.
bin: FORCE
	@ln -sfn $(B)/bin bin
	@ln -sfn $(B)/t tbin
	@ln -sfn $(B)/bench benchbin

$(B)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

ifneq ($(SANITIZE),1)
$(addprefix $(B)/bin/,$(STATIC_PROGS)): LDFLAGS += -static
endif
# dkverify and dksign run once per message: their third-party libraries
# are linked in, since the dynamic loader's work on libcrypto and
# libopendkim at every exec cost more than the verification of a small
# message (bench/dkverify.sh).  dksign keeps libcrypto shared because
# lib/dkim_keycache.c overrides two of its functions.
$(B)/bin/dkverify: LIBS = -Wl,-Bstatic -lopendkim -lcrypto -lcares -lbsd \
  -lmd -ldb-5.3 -Wl,-Bdynamic -lresolv -lpthread -ldl
$(B)/bin/dksign: LIBS = -Wl,-Bstatic -lopendkim -lbsd -lmd -ldb-5.3 \
  -Wl,-Bdynamic -lcrypto -lcdb -lcares -lresolv -lpthread -ldl

$(B)/libsixgate.a: $(LIBOBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/bin/%: src/%.c $(B)/libsixgate.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(B)/libsixgate.a $(LIBS)

$(B)/t/%: t/bin/%.c $(B)/libsixgate.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(B)/libsixgate.a $(LIBS)

$(B)/bench/%: bench/%.c $(B)/libsixgate.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(B)/libsixgate.a $(LIBS) -lpthread -lm

$(B)/unit/%: t/unit/%.c $(B)/libsixgate.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(B)/libsixgate.a $(LIBS)

# --- fuzzing (clang, libFuzzer) -------------------------------------------
FZ = build/fuzz
FUZZBASE = -std=c11 -D_GNU_SOURCE -g -O1 -Ilib
FZOBJ = $(patsubst lib/%.c,$(FZ)/lib/%.o,$(LIBSRC))
$(FZ)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(@D)
	clang $(FUZZBASE) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
$(FZ)/libfuzz.a: $(FZOBJ)
	@rm -f $@
	ar rcs $@ $^
$(FZ)/%: t/fuzz/%.c $(FZ)/libfuzz.a $(HDRS)
	clang $(FUZZBASE) -fsanitize=fuzzer,address,undefined -o $@ $< \
	  $(FZ)/libfuzz.a $(LIBS)

fuzz: $(addprefix $(FZ)/,$(FUZZ))

# --- tests ------------------------------------------------------------------
deps:
	@sh tools/install-deps

FUZZSECS ?= 5
check: deps
	$(MAKE) -j2 all units
	$(MAKE) -j2 fuzz
	SIXGATE_BUILD=$(CURDIR)/$(B) FUZZSECS=$(FUZZSECS) SANITIZE=$(SANITIZE) \
	  prove -e '' $(PROVEFLAGS) $(addprefix $(B)/unit/,$(UNITS)) t/*.t

units: $(addprefix $(B)/unit/,$(UNITS))

# --- demo -------------------------------------------------------------------
run: deps
	$(MAKE) all
	@sh tools/run-demo

# --- install ----------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man7 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(addprefix $(B)/bin/,$(PROGS)) $(DESTDIR)$(PREFIX)/bin/
	for f in doc/*.[178]; do s=$${f##*.}; \
	  install -m 644 $$f $(DESTDIR)$(PREFIX)/share/man/man$$s/ || exit 1; done

clean:
	rm -rf build bin tbin benchbin

FORCE:
.PHONY: all bin deps check units fuzz run install clean FORCE
.SECONDARY:
