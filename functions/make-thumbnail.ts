/** Makes a thumbnail of an uploaded image (here: logs the key it would write). */
import { on } from '../contracts';
import { ImageUploaded } from '../app/events';

export const handler = on(ImageUploaded, async (event, ctx) => {
  const { bucket, key, size } = event.data;
  const thumbnail = key.replace(/^uploads\//, 'thumbnails/');
  ctx.log.info('thumbnail made', { bucket, source: key, thumbnail, size });
});
