"""What the machine must provide besides Python packages, and installing it where we can.

`seminar setup` runs this: on Debian as root it installs the missing packages with apt-get;
anywhere else it prints what to install and exits non-zero, so the README's commands stop with
a clear message instead of failing later inside WeasyPrint or a browser test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SystemRequirement:
    debian_package: str
    why: str
    present_if: str  # a file or a command that exists once the package is installed


APT_LOCK_WAIT_SECONDS = 300

REQUIREMENTS = [
    SystemRequirement("fonts-noto-cjk", "Chinese fonts for PDFs (论文集, agenda)", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    SystemRequirement("libharfbuzz-subset0", "fast font subsetting in WeasyPrint", "/usr/lib/x86_64-linux-gnu/libharfbuzz-subset.so.0"),
    # FandolFang (仿宋) and FandolKai (楷体) for the 公文 house style; installed without TeX Live's recommends.
    SystemRequirement(
        "texlive-lang-chinese", "仿宋 and 楷体 for books in the 公文 style (FandolFang, FandolKai)",
        "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf",
    ),
    SystemRequirement("poppler-utils", "PDF checks of the 论文集 (pdffonts, pdftotext, pdftoppm)", "pdffonts"),
]


def _present(requirement: SystemRequirement) -> bool:
    if requirement.present_if.startswith("/"):
        target = Path(requirement.present_if)
        # The library path differs by architecture; accept any multiarch directory.
        if target.name.startswith("lib") and not target.exists():
            return any(Path("/usr/lib").glob(f"*/{target.name}"))
        return target.exists()
    return shutil.which(requirement.present_if) is not None


def missing_requirements() -> list[SystemRequirement]:
    return [requirement for requirement in REQUIREMENTS if not _present(requirement)]


def is_debian() -> bool:
    return Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None


def ensure_system_packages(echo: bool = True) -> bool:
    """Install what is missing when we can; say what to do when we cannot. True if all present."""
    missing = missing_requirements()
    if not missing:
        return True
    names = [requirement.debian_package for requirement in missing]
    if is_debian() and os.geteuid() == 0:
        if echo:
            print(f"Installing Debian packages: {' '.join(names)}")
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        # Another apt or an unattended upgrade may hold the package lock: wait for it a while.
        # No recommends, as in the Dockerfile: texlive-lang-chinese's would add ~900 MB of TeX Live.
        wait = ["-o", f"DPkg::Lock::Timeout={APT_LOCK_WAIT_SECONDS}"]
        for command in (["apt-get", *wait, "update", "-qq"], ["apt-get", *wait, "install", "-y", "-qq", "--no-install-recommends", *names]):
            if subprocess.run(command, env=environment).returncode != 0:
                print(
                    f"Could not install {' '.join(names)}: `apt-get {command[3]}` failed "
                    f"(another apt-get or dpkg may still hold the package lock after {APT_LOCK_WAIT_SECONDS} s, "
                    "or the package list is unreachable). When it has finished, run `seminar setup` again, "
                    f"or install them yourself: apt-get install {' '.join(names)}"
                )
                return False
        return not missing_requirements()
    print("These system packages are missing:")
    for requirement in missing:
        print(f"  {requirement.debian_package:24} {requirement.why}")
    if is_debian():
        print(f"Install them with:  sudo apt-get install {' '.join(names)}")
    else:
        print("Install the Noto CJK fonts, the Fandol fonts (TeX Live), HarfBuzz's subset library and poppler's utilities with your system's package manager.")
    return False


def compile_bytecode() -> None:
    """Compile the project's and its environment's Python files once, ahead of every start.

    Where PYTHONDONTWRITEBYTECODE is set (this machine kind, the Docker image) Python never keeps
    what it compiles, so every process compiled every module it imports from source again: seconds
    per start on a loaded machine, for each `seminar` command and each uvicorn worker. It still
    reads bytecode that exists; files already compiled are skipped.
    """
    import compileall
    import sysconfig

    from seminar.config import PROJECT_ROOT

    for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], str(PROJECT_ROOT / "seminar")}:
        compileall.compile_dir(folder, quiet=2, workers=0)
