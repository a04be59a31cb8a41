#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""@include as kuma-push.conf(5) documents it: relative names are taken
from the main file's directory (in included files too), absolute names as
given; under systemd credentials the main file is the copy in
$CREDENTIALS_DIRECTORY, so only absolute names reach other files."""

import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kp_harness import EXIT_CONFIG, EXIT_OK, KPTestCase, write_file  # noqa: E402

KUMA = 'kuma = { url = "http://127.0.0.1:9"; };\n'
TARGETS = ('targets = ( { name = "w"; url = "http://127.0.0.1:8";'
           ' health = { push = "tokINCH1"; }; } );\n')
CHECKS = 'checks = ( { name = "c"; url = "http://127.0.0.1:7/"; push = "tokINCC1"; } );\n'


class Include(KPTestCase):
    def names(self, conf, env=None):
        res = self.kp("monitors", "-c", conf, env=env)
        self.assert_rc(res, EXIT_OK)
        return sorted(ln.split(" ")[0] for ln in res.stdout.splitlines())

    def sub_tree(self, checks_name):
        """main.conf includes "sub/targets.conf", which includes
        checks_name; the checks are in sub/checks.conf. Returns main.conf."""
        d = self.tmp
        os.mkdir(os.path.join(d, "sub"))
        write_file(os.path.join(d, "sub", "targets.conf"),
                   TARGETS + '@include "%s"\n' % checks_name)
        write_file(os.path.join(d, "sub", "checks.conf"), CHECKS)
        return write_file(os.path.join(d, "main.conf"),
                          KUMA + '@include "sub/targets.conf"\n')

    def test_relative_names_are_from_the_main_files_directory(self):
        # sub/targets.conf includes "sub/checks.conf": from the main
        # file's directory, not from sub/
        main = self.sub_tree("sub/checks.conf")
        self.assertEqual(self.names(main), ["c", "w/health"])
        # run from elsewhere: the working directory plays no part
        res = self.kp("-n", "-c", main, cwd="/")
        self.assert_rc(res, EXIT_OK)

    def test_name_relative_to_the_including_file_is_not_found(self):
        d = self.tmp
        main = self.sub_tree("checks.conf")
        res = self.kp("-n", "-c", main)
        self.assert_rc(res, EXIT_CONFIG)
        self.assertIn("%s:2: syntax error: cannot open include file"
                      % os.path.join(d, "sub", "targets.conf"), res.stderr)

    def test_absolute_names_work(self):
        other = os.path.join(self.tmp, "elsewhere")
        os.mkdir(other)
        checks = write_file(os.path.join(other, "checks.conf"), CHECKS)
        os.mkdir(os.path.join(self.tmp, "etc"))
        main = write_file(os.path.join(self.tmp, "etc", "main.conf"),
                          KUMA + TARGETS + '@include "%s"\n' % checks)
        self.assertEqual(self.names(main), ["c", "w/health"])

    def test_under_credentials(self):
        etc = os.path.join(self.tmp, "etc")
        creds = os.path.join(self.tmp, "credentials")
        os.mkdir(etc)
        os.mkdir(creds)
        checks = write_file(os.path.join(etc, "checks.conf"), CHECKS)
        write_file(os.path.join(etc, "targets.conf"), TARGETS)
        real = write_file(os.path.join(etc, "kuma-push.conf"),
                          KUMA + '@include "targets.conf"\n@include "%s"\n' % checks)
        self.assertEqual(self.names(real), ["c", "w/health"])
        # what the unit runs: -c $CREDENTIALS_DIRECTORY/kuma-push.conf, a copy
        copy = os.path.join(creds, "kuma-push.conf")
        shutil.copy(real, copy)
        env = {"CREDENTIALS_DIRECTORY": creds}
        res = self.kp("-n", "-c", copy, env=env)
        self.assert_rc(res, EXIT_CONFIG)
        self.assertIn("%s:2: syntax error: cannot open include file" % copy,
                      res.stderr)
        # with an absolute name instead, the real file is read
        write_file(copy, KUMA + '@include "%s"\n@include "%s"\n'
                   % (os.path.join(etc, "targets.conf"), checks))
        self.assertEqual(self.names(copy, env=env), ["c", "w/health"])


if __name__ == "__main__":
    unittest.main()
