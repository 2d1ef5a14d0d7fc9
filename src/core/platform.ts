// Build platforms the way BuildKit (containerd's platforms package) parses and normalises them, and the
// automatic platform ARGs BuildKit defines in the global scope (usable in FROM).

export interface Platform {
  os: string;
  architecture: string;
  variant: string;
}

const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'illumos', 'ios', 'js', 'linux', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows']);
const SPECIFIER = /^[A-Za-z0-9_.-]+$/;

/** The platform of this machine, as Docker names it (linux/amd64, linux/arm64, linux/arm/v7, …). */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips64el: 'mips64le' };
  return normalise({ os: 'linux', architecture: arch[process.arch] ?? process.arch, variant: '' });
}

/** This machine's platform as Docker writes it (`linux/amd64`): the one `docker pull` picks from an index. */
export function hostPlatformName(): string {
  return formatPlatform(hostPlatform());
}

/** Parses `os[/arch[/variant]]` or a bare arch; returns undefined when it is not a platform. */
export function parsePlatform(text: string, host: Platform = hostPlatform()): Platform | undefined {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => !SPECIFIER.test(p))) return undefined;
  if (parts.length === 1) {
    return KNOWN_OS.has(parts[0])
      ? normalise({ os: parts[0], architecture: host.architecture, variant: host.variant })
      : normalise({ os: host.os, architecture: parts[0], variant: '' });
  }
  return normalise({ os: parts[0], architecture: parts[1], variant: parts[2] ?? '' });
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function normalise(p: Platform): Platform {
  let { architecture: arch, variant } = p;
  const os = p.os === 'macos' ? 'darwin' : p.os;
  switch (arch) {
    case 'i386':
      arch = '386';
      variant = '';
      break;
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      arch = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      arch = 'arm64';
      if (variant === '8' || variant === 'v8') variant = '';
      break;
    case 'armhf':
      arch = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      arch = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '') variant = 'v7';
      else if (/^[5-8]$/.test(variant)) variant = 'v' + variant;
      break;
  }
  return { os, architecture: arch, variant };
}

/** BUILDPLATFORM, BUILDOS, …, TARGETVARIANT for a build of `target` on `build`. */
export function platformArgs(target: Platform, build: Platform): Map<string, string> {
  return new Map([
    ['BUILDPLATFORM', formatPlatform(build)],
    ['BUILDOS', build.os],
    ['BUILDARCH', build.architecture],
    ['BUILDVARIANT', build.variant],
    ['TARGETPLATFORM', formatPlatform(target)],
    ['TARGETOS', target.os],
    ['TARGETARCH', target.architecture],
    ['TARGETVARIANT', target.variant],
  ]);
}
