// An S3 client independent of focusd (the AWS SDK for JavaScript v3) for the
// tests: lists a bucket's keys under a prefix and reads one object back.
//
//   node tools/s3-check.mjs BUCKET PREFIX [KEY]
//
// Endpoint and credentials come from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY. Prints {"keys": [...], "object": {"key", "size",
// "sha256"}} (object only with KEY). Ceph RGW 16 refuses the CRC checksums
// newer SDKs add, hence WHEN_REQUIRED (../shared/docs/SCALE-OUT.md).
import { createHash } from "node:crypto";
import { S3Client, ListObjectsV2Command, GetObjectCommand } from "@aws-sdk/client-s3";

const [bucket, prefix, key] = process.argv.slice(2);
if (!bucket || prefix === undefined) {
  console.error("usage: node tools/s3-check.mjs BUCKET PREFIX [KEY]");
  process.exit(2);
}
const client = new S3Client({
  endpoint: process.env.AWS_ENDPOINT_URL,
  region: process.env.AWS_REGION || "us-east-1",
  forcePathStyle: true,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});

const keys = [];
let token;
do {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
  for (const object of page.Contents ?? []) keys.push(object.Key);
  token = page.IsTruncated ? page.NextContinuationToken : undefined;
} while (token);

const out = { keys };
if (key) {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of object.Body) {
    hash.update(chunk);
    size += chunk.length;
  }
  out.object = { key, size, sha256: hash.digest("hex") };
}
console.log(JSON.stringify(out));
