/** Indexes the metadata of every upload (here: logs the index entry). */
import { on } from '../contracts';
import { ImageUploaded } from '../app/events';

export const handler = on(ImageUploaded, async (event, ctx) => {
  const { bucket, key, size, contentType } = event.data;
  ctx.log.info('metadata indexed', { id: `${bucket}/${key}`, size, contentType, uploadedAt: event.time });
});
