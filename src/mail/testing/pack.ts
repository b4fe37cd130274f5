/** A real archived pack for mail tests: the real CSV writers, and the real PDF or a binary stub. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { fixedClock } from '../../clock.js';
import { writePack } from '../../pack/archive.js';
import { writeAllCsvs } from '../../pack/csv/index.js';
import { manifestInputsFromReview } from '../../pack/manifest.js';
import { renderPdf } from '../../pack/pdf/index.js';
import { buildReviewData } from '../../pack/testing/fixture.js';
import type { ReviewData } from '../../pack/types.js';
import type { PackFiles } from '../compose.js';

export interface TestPack {
  readonly data: ReviewData;
  readonly pack: PackFiles;
}

export async function writeMailTestPack(root: string, options: { data?: ReviewData; realPdf?: boolean } = {}): Promise<TestPack> {
  const data = options.data ?? buildReviewData();
  const written = await writePack({
    root,
    org: data.snapshot.org,
    periodLabel: data.periodLabel,
    clock: fixedClock(data.generatedAt),
    render: async (tmpDir) => {
      await writeAllCsvs(data, tmpDir);
      const pdf = join(tmpDir, 'review-pack.pdf');
      // A stub with every byte value, so a broken transfer encoding shows.
      if (options.realPdf) await renderPdf(data, [], pdf);
      else writeFileSync(pdf, Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(20_000), Buffer.from('\n%%EOF\n')]));
    },
    manifestInputs: manifestInputsFromReview(data, []),
  });
  return {
    data,
    pack: {
      dir: written.dir,
      dirName: written.dirName,
      pdfPath: join(written.dir, 'review-pack.pdf'),
      findingsCsvPath: join(written.dir, 'findings.csv'),
      manifestSha256: written.manifestSha256,
    },
  };
}
