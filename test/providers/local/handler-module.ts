/** A handler module for the runtime test that loads handlers from files. */
import { on } from '../../../contracts';
import { Tick } from './fixtures';

export const handler = on(Tick, async () => {});
