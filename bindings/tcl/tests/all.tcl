# Runs every *.test file here with tcltest; exits non-zero when a test fails.
#   SPOOR_TCL_DIR=build-swig/bindings/tcl SPOOR_COLLECTOR=.../spoor-collector tclsh all.tcl
package require tcltest 2.5
namespace import ::tcltest::*
# -singleproc: the core logs to stderr, which tcltest would count as a file error.
# A private -tmpdir: tcltest reports files other processes leave in a shared one.
set tmp [file join [expr {[info exists env(TMPDIR)] ? $env(TMPDIR) : "/tmp"}] spoor-tcltest-[pid]]
file mkdir $tmp
configure -testdir [file dirname [file normalize [info script]]] -singleproc 1 -tmpdir $tmp {*}$argv
# Its own namespace: the test files run at global level, where a test may set any name
# (client.test has a variable named failed).
namespace eval ::spoor_all { variable failed 0 }
proc ::tcltest::cleanupTestsHook {} {
    variable numTests
    set ::spoor_all::failed [expr {$::spoor_all::failed + $numTests(Failed)}]
}
runAllTests
file delete -force $tmp
exit [expr {$::spoor_all::failed > 0}]
