// OCR through Debian's tesseract-ocr command and PDF rasterising through poppler-utils' pdftoppm: spawned without a
// shell, with a time limit, the image given on stdin or in a private temporary folder. When a tool is missing the
// caller gets the reason, and the document says OCR was skipped and why.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Languages asked of tesseract when their packs are installed (Debian: tesseract-ocr-eng, -rus, -ara, -chi-sim). */
export const OCR_LANGUAGES = ['eng', 'rus', 'ara', 'chi_sim'];

export interface OcrTools {
  /** tesseract's version line, or undefined when it is not installed. */
  tesseract?: string;
  languages: string[];
  pdftoppm: boolean;
  /** Why OCR cannot run, when it cannot. */
  missing?: string;
}

let installed: { version?: string; languages: Set<string>; pdftoppm: boolean } | undefined;

/** What is installed (asked once per process), and which of the `wanted` languages it can read. */
export function ocrTools(wanted: readonly string[] = OCR_LANGUAGES): OcrTools {
  if (!installed) {
    const version = spawnSync('tesseract', ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const pdf = spawnSync('pdftoppm', ['-v'], { encoding: 'utf8', timeout: 10_000 });
    const ok = !version.error && version.status === 0;
    const listed = ok
      ? spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8', timeout: 10_000 })
      : undefined;
    installed = {
      ...(ok
        ? { version: `${version.stdout}${version.stderr}`.split(/\r?\n/)[0]?.trim() || 'tesseract' }
        : {}),
      languages: new Set(`${listed?.stdout ?? ''}`.split(/\r?\n/).map((l) => l.trim())),
      pdftoppm: !pdf.error,
    };
  }
  const { version, pdftoppm } = installed;
  if (!version)
    return {
      languages: [],
      pdftoppm,
      missing: 'tesseract is not installed (Debian: apt-get install tesseract-ocr)',
    };
  const languages = wanted.filter((l) => installed?.languages.has(l));
  if (languages.length === 0)
    return {
      tesseract: version,
      languages,
      pdftoppm,
      missing: `no tesseract language pack for ${wanted.join(', ')} is installed (Debian: tesseract-ocr-eng, ...)`,
    };
  return { tesseract: version, languages, pdftoppm };
}

/** Runs a command without a shell; resolves with stdout, rejects on a non-zero exit or the time limit. */
function run(cmd: string, args: string[], input: Uint8Array | undefined, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 2000) err += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new Error(
            `${cmd} ${signal ? `stopped by ${signal}` : `exited with ${code}`}: ${err.trim().slice(0, 200)}`,
          ),
        );
    });
    // tesseract may exit before reading all of a bad image; the resulting EPIPE is its exit code's business.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ? Buffer.from(input) : undefined);
  });
}

/** The text tesseract reads in an image (any format leptonica reads), in the installed languages. */
export async function ocrImage(image: Uint8Array, tools: OcrTools, timeoutMs: number): Promise<string> {
  const out = await run('tesseract', ['stdin', 'stdout', '-l', tools.languages.join('+')], image, timeoutMs);
  return out.toString('utf8');
}

/** Each page of a PDF as text through pdftoppm (150 dpi greyscale PNG) and tesseract, up to `maxPages`. */
export async function ocrPdf(
  pdf: Uint8Array,
  pages: number,
  tools: OcrTools,
  timeoutMs: number,
): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'nexus-ocr-'));
  try {
    const file = join(dir, 'in.pdf');
    await writeFile(file, pdf, { mode: 0o600 });
    await run(
      'pdftoppm',
      ['-r', '150', '-gray', '-png', '-f', '1', '-l', String(pages), file, join(dir, 'page')],
      undefined,
      timeoutMs,
    );
    const images = (await readdir(dir))
      .filter((n) => /^page-\d+\.png$/.test(n))
      .sort((a, b) => pageNo(a) - pageNo(b));
    const texts: string[] = [];
    for (const name of images) texts.push(await ocrImage(await readFile(join(dir, name)), tools, timeoutMs));
    return texts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function pageNo(name: string): number {
  return Number(/(\d+)\.png$/.exec(name)?.[1] ?? 0);
}
