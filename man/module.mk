MAN_PAGES := $(wildcard man/man*/*.[0-9])
check-man:
	@set -e; for p in $(MAN_PAGES); do mandoc -Tlint -Wwarning $$p; done; echo "man pages: $(words $(MAN_PAGES)) linted"
.PHONY: check-man
