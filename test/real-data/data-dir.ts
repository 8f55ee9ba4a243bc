// Where the shared public datasets are: NEXUS_DATA_DIR, else ../shared/data beside the project.
import { resolve } from 'node:path';

export const DATA_DIR = resolve(process.env.NEXUS_DATA_DIR ?? '../shared/data');
