# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by scenarios.sh in dom0.  readguest against a domain in every
# state a wait loop meets it in: just built and paused, running its first
# instructions, shut down, being destroyed, gone.  Each run must answer
# (exit 0, or 1 with the reason on stderr) and none may die of a signal:
# `readguest -s` runs in every wait of this suite, and the suite once
# printed a "Segmentation fault" in such a wait (that one was a busybox
# applet's, dmesg said; this makes sure readguest's never is).
name=rg-edge
t=$(now)
rg_kernel=${smoke_kernel:-$ELF}
pvbuild create --host=xen --paused --json --name=$name --kernel="$rg_kernel" \
	--memory=64 >"$W/$name.json" 2>"$W/$name.err"
rc=$?
id=$(sed -n 's/^  "domid": \([0-9]*\),*$/\1/p' "$W/$name.json")
if [ $rc -ne 0 ] || [ -z "$id" ]; then
	fail_ok "$name: pvbuild create --paused of $rg_kernel (exit $rc): $(head -n 1 "$W/$name.err")"
else
	rm -f "$W/$name.stop"
	# One line per run: "FULL-EXIT STATE-EXIT state".
	(
		while [ ! -e "$W/$name.stop" ]; do
			readguest "$id" >/dev/null 2>>"$W/$name.rgerr"
			a=$?
			s=$(readguest -s "$id" 2>>"$W/$name.rgerr")
			echo "$a $? ${s#state=}"
		done
	) >"$W/$name.runs" &
	rg_pid=$!
	runs() { wc -l <"$W/$name.runs"; }
	runs_over() { [ "$(runs)" -gt "$1" ]; }
	wait_until 30 runs_over 1
	ok_if "$name: xl unpause $id while readguest reads it" xl unpause "$id"
	wait_until 10 runs_over $(($(runs) + 2))
	ok_if "$name: pvbuild destroy $id while readguest reads it" pvbuild destroy "$id"
	wait_until 60 state_is "$id" gone
	wait_until 10 runs_over $(($(runs) + 2))
	touch "$W/$name.stop"
	wait "$rg_pid"
	n=$(runs)
	sig=$(awk '$1 >= 128 || $2 >= 128' "$W/$name.runs" | wc -l)
	bad=$(awk '$1 > 1 || $2 != 0' "$W/$name.runs" | wc -l)
	seen=$(awk '{ print $3 }' "$W/$name.runs" | uniq | tr '\n' ' ')
	diag "$name: states seen in order: $seen"
	ok_if "$name: $n readguest runs over domain $id paused, running, destroyed, gone: none killed by a signal ($sig were)" \
		test "$n" -gt 0 -a "$sig" -eq 0
	ok_if "$name: each answered (full read 0 or 1, -s 0): $bad did not" [ "$bad" -eq 0 ]
	like "$seen" "gone" "$name: -s saw the domain gone at the end"
	readguest "$id" >/dev/null 2>"$W/$name.gone"
	is "$?:$(cat "$W/$name.gone")" "1:readguest: d$id: no such domain" \
		"$name: readguest of the gone domain says so and exits 1"
	diag "time: $name $(since "$t") s"
fi
