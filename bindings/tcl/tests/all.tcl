# Runs every *.test file here with tcltest; exits non-zero when a test fails.
#   SPOOR_TCL_DIR=build-swig/bindings/tcl SPOOR_COLLECTOR=.../spoor-collector tclsh all.tcl
package require tcltest 2.5
namespace import ::tcltest::*
# -singleproc: the core logs to stderr, which tcltest would count as a file error.
# A private -tmpdir: tcltest reports files other processes leave in a shared one.
set tmp [file join [expr {[info exists env(TMPDIR)] ? $env(TMPDIR) : "/tmp"}] spoor-tcltest-[pid]]
file mkdir $tmp
configure -testdir [file dirname [file normalize [info script]]] -singleproc 1 -tmpdir $tmp {*}$argv
# In a namespace of its own: -singleproc sources the test files at the global level,
# where a test's own `set failed` (client.test's hook-1) overwrote a global count.
namespace eval ::spoor_all { variable failed 0 }
proc ::tcltest::cleanupTestsHook {} {
    variable numTests
    incr ::spoor_all::failed $numTests(Failed)
}
runAllTests
file delete -force $tmp
exit [expr {$::spoor_all::failed > 0}]
