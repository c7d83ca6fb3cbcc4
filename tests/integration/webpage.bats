#!/usr/bin/env bats
# webpage.bats - the master's web page in a real browser: a headless
# chromium (packaging/deps.sh --web) driven over the DevTools protocol
# (cdp.py), one tab kept open for the whole file against a 4-agent
# cluster: the grid shows every host, a job appears and changes state
# without a reload, a running job's output shows in its detail (with the
# owner's token), an array's progress bar reaches done, a lost host
# turns to unavail, the page fetches nothing from elsewhere, and it reads
# on a phone-sized screen.

load helpers

PY=/usr/bin/python3
CDP="$PY $BATS_TEST_DIRNAME/cdp.py"

setup_file() {
	command -v chromium >/dev/null || skip "chromium missing: packaging/deps.sh --web"
	$PY -c 'import websocket' 2>/dev/null || skip "python3-websocket missing: packaging/deps.sh --web"
	cluster_start -n 4 --cpus 2
	export B=$CLUSTER_DIR/browser
	CHROME_PID=$($CDP start "$PUMICE_WEB" "$B")
	export CHROME_PID
	$CDP wait "$B" "window.pumiceLoads > 0" 30
}

teardown_file() {
	# chromium runs in a session of its own: its process group, by its pid
	[ -n "${CHROME_PID:-}" ] && kill -- "-$CHROME_PID" 2>/dev/null || true
	cluster_teardown
}

page() {
	$CDP wait "$B" "$@"
}

@test "the node grid shows every host of the cluster, ok" {
	run -0 page "[...document.querySelectorAll('#grid .tile')].map(t => t.dataset.host + ':' + t.dataset.state).join(' ') === 'node1:ok node2:ok node3:ok node4:ok'" 20
	run -0 $CDP eval "$B" "document.getElementById('s-hosts').textContent"
	assert_output '"4/4 ok"'
	run -0 $CDP eval "$B" "document.getElementById('s-slots').textContent"
	assert_output '"0/8"'
}

@test "a job appears and goes PEND/RUN/DONE on the page without a reload" {
	run -0 $CDP eval "$B" "window.__mark = 'same page'; window.pumiceEvents"
	local before=$output
	submit -o /dev/null sleep 2
	run -0 page "document.getElementById('job-$JOBID-0') !== null" 20
	run -0 page "(document.getElementById('job-$JOBID-0') || {dataset: {}}).dataset.stat === 'RUN'" 20
	# its host's tile lists it while it runs
	run -0 page "[...document.querySelectorAll('#grid .tile .jobs')].some(e => e.textContent.split(' ').includes('$JOBID'))" 20
	run -0 page "document.getElementById('job-$JOBID-0').dataset.stat === 'DONE'" 30
	run -0 $CDP eval "$B" "[window.__mark, performance.getEntriesByType('navigation').length, window.pumiceEvents > $before]"
	assert_output '["same page", 1, true]'
	# a click shows its record and history
	run -0 $CDP eval "$B" "document.getElementById('job-$JOBID-0').click(); true"
	run -0 page "!document.getElementById('detail').hidden && /submit/.test(document.getElementById('d-body').textContent) && /finish/.test(document.getElementById('d-body').textContent)" 10
	# the change log shows the transitions, from the stream
	run -0 $CDP eval "$B" "[...document.querySelectorAll('#log li')].map(l => l.textContent).filter(t => / $JOBID  /.test(t)).length >= 3"
	assert_output true
}

@test "a job's detail shows its output, running and finished, read with the owner's token" {
	submit -o "$DATA/page.%J" sh -c 'echo "out of <the> job"; sleep 60'
	local id=$JOBID
	run -0 page "(document.getElementById('job-$id-0') || {dataset: {}}).dataset.stat === 'RUN'" 20
	wait_for -t 20 grep -q 'out of' "$DATA/page.$id"
	run -0 btoken
	run -0 $CDP eval "$B" "localStorage.setItem('pumiceToken', '$output'); document.getElementById('job-$id-0').click(); true"
	run -0 page "document.getElementById('d-outbtn') !== null && document.getElementById('d-id').textContent === '$id'" 10
	run -0 $CDP eval "$B" "document.getElementById('d-outbtn').click(); true"
	run -0 page "document.getElementById('d-out').textContent === 'out of <the> job\\n'" 20
	# a wrong token is dropped and the reason shown
	run -0 $CDP eval "$B" "localStorage.setItem('pumiceToken', 'pmt_00'); document.getElementById('d-outbtn').click(); true"
	run -0 page "/not valid/.test(document.getElementById('d-out').textContent) && localStorage.getItem('pumiceToken') === null" 20
	# finished, it still shows what it wrote
	bkill "$id"
	run -0 page "document.getElementById('job-$id-0').dataset.stat === 'EXIT'" 20
	run -0 btoken
	run -0 $CDP eval "$B" "localStorage.setItem('pumiceToken', '$output'); document.getElementById('job-$id-0').click(); true"
	run -0 page "document.getElementById('d-outbtn') !== null && /EXIT/.test(document.getElementById('d-body').textContent)" 10
	run -0 $CDP eval "$B" "document.getElementById('d-outbtn').click(); true"
	run -0 page "document.getElementById('d-out').textContent.startsWith('out of <the> job\\n')" 20
	btoken -d >/dev/null
}

@test "a submitted array's progress bar reaches done" {
	submit -J "prog[1-10]" -o /dev/null sleep 0.5
	local arr=$JOBID
	run -0 page "document.getElementById('arr-$arr') !== null" 20
	run -0 page "(e => e.dataset.done === '10' && e.dataset.count === '10')(document.getElementById('arr-$arr'))" 60
	run -0 $CDP eval "$B" "document.querySelector('#arr-$arr .prog .d').style.width"
	assert_output '"100%"'
	run -0 $CDP eval "$B" "window.__mark"
	assert_output '"same page"'
}

@test "the page is one file: nothing fetched from elsewhere, job text escaped" {
	run -0 curl -sf "$PUMICE_WEB"
	refute_output --regexp '(src|href)=["'"'"']?(https?:)?//'
	refute_output --partial '@import'
	# a job name with markup shows as text
	submit -J '<b id=inj>x</b>' -o /dev/null true
	run -0 page "document.getElementById('job-$JOBID-0') !== null && document.getElementById('job-$JOBID-0').textContent.includes('<b id=inj>')" 20
	run -0 $CDP eval "$B" "document.getElementById('inj') === null"
	assert_output true
}

@test "a host whose agent goes away turns unavail on the page, then ok again" {
	local pid
	pid=$(cat "$CLUSTER_DIR/run/node4.pid")
	kill "$pid"
	run -0 page "(t => t && t.classList.contains('down'))(document.querySelector('#grid .tile[data-host=node4]'))" 40
	pumice cluster start "$CLUSTER_DIR" >/dev/null 2>&1
	run -0 page "(t => t && t.dataset.state === 'ok')(document.querySelector('#grid .tile[data-host=node4]'))" 40
	run -0 $CDP eval "$B" "window.__mark"
	assert_output '"same page"'
}

@test "1,000 hosts: every tile drawn, dense, in one render (time printed)" {
	run -0 $CDP eval "$B" "(() => {
		const saved = S.hosts;
		S.hosts = Array.from({length: 1000}, (_, i) => ({name: 'h' + String(i).padStart(4, '0'),
		    status: i % 97 ? 'ok' : 'unavail', max: 4, run: 0, mem_total: 8e6, mem_free: 5e6}));
		const t = performance.now();
		render();
		const ms = performance.now() - t;
		const r = [document.querySelectorAll('#grid .tile').length,
		    document.getElementById('grid').className,
		    document.querySelectorAll('#grid .tile.down').length, Math.round(ms)];
		S.hosts = saved;
		render();
		return r;
	})()"
	echo "# render of 1,000 tiles: $output (count, class, down, ms)" >&3
	[[ "$output" == '[1000, "dense", 11, '* ]]
	run -0 page "document.querySelectorAll('#grid .tile').length === 4" 10
}

@test "a screenshot, wide and phone-sized (nothing overflows the phone's width)" {
	run -0 $CDP shot "$B" "$BATS_FILE_TMPDIR/wide.png" 1280 900
	run -0 $CDP shot "$B" "$BATS_FILE_TMPDIR/phone.png" 390 844
	local width=$output
	[ "$(head -c 8 "$BATS_FILE_TMPDIR/phone.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	[ "$width" -le 390 ]
	if [ -n "${PUMICE_SCREENSHOT:-}" ]; then
		cp "$BATS_FILE_TMPDIR/wide.png" "$PUMICE_SCREENSHOT"
	fi
}
