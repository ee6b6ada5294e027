import "server-only";
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { HashMeter } from "@/lib/storage/meter";
import type { BlobStore, TStagedBlob } from "@/lib/storage/types";

type TS3Options = { bucket: string; prefix: string; region: string; endpoint?: string; forcePathStyle: boolean };

const isNotFound = (error: unknown) =>
  error instanceof Error &&
  (error.name === "NotFound" ||
    error.name === "NoSuchKey" ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404);

/**
 * Blobs as objects `<prefix>blobs/<sha256>` in an S3-compatible bucket (S3, MinIO, Ceph, R2).
 * The upload streams to `<prefix>tmp/<uuid>` as a multipart upload while hashing (lib-storage
 * aborts the multipart upload on error), then is copied to its content address: S3 acknowledges
 * a PUT/copy only once the object is durably stored. Single-request CopyObject caps a blob at
 * 5 GiB, which is above the default limit.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = "s3" as const;
  private readonly client: S3Client;

  constructor(private readonly options: TS3Options) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
    });
  }

  private key(sha256: string): string {
    return `${this.options.prefix}blobs/${sha256}`;
  }

  async stage(source: Readable, maxBytes: number): Promise<TStagedBlob> {
    const Bucket = this.options.bucket;
    const tmpKey = `${this.options.prefix}tmp/${randomUUID()}`;
    const meter = new HashMeter(maxBytes);
    const discard = async () => {
      await this.client.send(new DeleteObjectCommand({ Bucket, Key: tmpKey }));
    };
    source.on("error", (error) => meter.destroy(error));
    meter.on("error", () => source.destroy());
    source.pipe(meter);
    try {
      await new Upload({ client: this.client, params: { Bucket, Key: tmpKey, Body: meter } }).done();
    } catch (error) {
      await discard().catch(() => {});
      throw meter.errored ?? error;
    }
    const sha256 = meter.hash.digest("hex");
    return {
      sha256,
      size: meter.size,
      head: meter.head,
      commit: async () => {
        // Copied even when identical bytes are there: the same content, with a fresh
        // LastModified, so the sweep's grace period covers it until its row is committed.
        await this.client.send(
          new CopyObjectCommand({
            Bucket,
            Key: this.key(sha256),
            CopySource: `${Bucket}/${encodeURIComponent(tmpKey).replace(/%2F/g, "/")}`,
          }),
        );
        await discard();
      },
      discard,
    };
  }

  async read(sha256: string, limit?: number): Promise<Readable | null> {
    try {
      const range = limit === undefined ? undefined : `bytes=0-${Math.max(0, limit - 1)}`;
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256), Range: range }),
      );
      return out.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async exists(sha256: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async remove(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }));
  }

  async modifiedAt(sha256: string): Promise<Date | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }),
      );
      return head.LastModified ?? null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async *listBlobs(): AsyncIterable<{ sha256: string; modifiedAt: Date }> {
    const Prefix = `${this.options.prefix}blobs/`;
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.options.bucket, Prefix })) {
      for (const object of page.Contents ?? []) {
        const sha256 = object.Key?.slice(Prefix.length) ?? "";
        if (/^[0-9a-f]{64}$/.test(sha256) && object.LastModified) yield { sha256, modifiedAt: object.LastModified };
      }
    }
  }

  // Staged objects left by a crash between upload and copy, and multipart uploads that never
  // completed (an upload in flight keeps adding parts; one started before `before` and still
  // open is abandoned, as the grace period is longer than any upload).
  async removeStaleStaging(before: Date): Promise<number> {
    const Bucket = this.options.bucket;
    const Prefix = `${this.options.prefix}tmp/`;
    let removed = 0;
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket, Prefix })) {
      for (const object of page.Contents ?? []) {
        if (!object.Key || !object.LastModified || object.LastModified >= before) continue;
        await this.client.send(new DeleteObjectCommand({ Bucket, Key: object.Key }));
        removed += 1;
      }
    }
    const uploads = await this.client.send(new ListMultipartUploadsCommand({ Bucket, Prefix }));
    for (const upload of uploads.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= before) continue;
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key: upload.Key, UploadId: upload.UploadId }));
      removed += 1;
    }
    return removed;
  }
}
