-- CreateTable
CREATE TABLE "SsoAccount" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastLoginAt" TIMESTAMP(3),

    CONSTRAINT "SsoAccount_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SsoAccount_userId_idx" ON "SsoAccount"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "SsoAccount_issuer_subject_key" ON "SsoAccount"("issuer", "subject");

-- AddForeignKey
ALTER TABLE "SsoAccount" ADD CONSTRAINT "SsoAccount_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
